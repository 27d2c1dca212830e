package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.onnx.graph.Attributes;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * INT8 with static activation scales, in the QDQ format that runtimes needing static scales
 * (TensorRT, ONNX Runtime's QDQ fusions, other backends) read: the activation A of each
 * constant-weight product passes through {@code QuantizeLinear} and {@code DequantizeLinear} with a
 * scale and uint8 zero point fixed from its calibration range, and the int8 weight (symmetric, one
 * scale per output column) through {@code DequantizeLinear}; the {@code MatMul} between them and the
 * bias {@code Add} after it stay as they were.
 *
 * <p>Per-column weight scales need {@code DequantizeLinear}'s {@code axis}, which exists from opset 13.
 * In older graphs the weight is dequantized with scale 1 (exact integers) and the per-column scales
 * multiply the product instead: the same values, without changing the graph's opset.
 */
final class Int8Static {

    private final GraphEditor editor;
    private final GraphView view;
    private final Map<String, ActivationRange> ranges;
    private final boolean perAxis;

    Int8Static(GraphEditor editor, GraphView view, Map<String, ActivationRange> ranges) {
        this.editor = editor;
        this.view = view;
        this.ranges = ranges;
        this.perAxis = editor.opsetVersion("") >= 13;
    }

    /** Wraps the products; returns how many MatMuls now read dequantized int8 weights. */
    int apply(List<LinearNode> linears) {
        Map<String, List<LinearNode>> groups = new LinkedHashMap<>();
        for (LinearNode linear : linears) {
            groups.computeIfAbsent(linear.input(), k -> new ArrayList<>()).add(linear);
        }
        for (Map.Entry<String, List<LinearNode>> group : groups.entrySet()) {
            ActivationRange range = ranges.get(group.getKey());
            if (range == null) {
                throw new IllegalArgumentException("no calibration range for tensor '" + group.getKey()
                        + "', the input of " + group.getValue().get(0).describe());
            }
            List<LinearNode> members = new ArrayList<>(group.getValue());
            members.sort(Comparator.comparingInt(l -> view.position(l.node())));
            List<NodeProto> first = new ArrayList<>(activation(group.getKey(), range));
            String dequantized = first.get(1).getOutput(0);
            for (int i = 0; i < members.size(); i++) {
                List<NodeProto> nodes = i == 0 ? first : new ArrayList<>();
                nodes.addAll(product(members.get(i), dequantized));
                editor.replace(members.get(i).node(), nodes);
            }
        }
        return linears.size();
    }

    /** QuantizeLinear then DequantizeLinear of the activation, with its fixed uint8 scale and zero point. */
    private List<NodeProto> activation(String tensor, ActivationRange range) {
        float low = Math.min(0f, range.min());
        float high = Math.max(0f, range.max());
        float scale = high > low ? (high - low) / 255f : 1f;
        int zeroPoint = (int) Math.max(0, Math.min(255, Math.rint(-low / scale)));
        String base = editor.uniqueName("greenai/int8_static/" + tensor);
        String scaleName = editor.uniqueName(base + ".scale");
        String zeroName = editor.uniqueName(base + ".zero_point");
        editor.addInitializer(Initializers.floats(scaleName, new float[] {scale}));
        editor.addInitializer(Initializers.bytes(zeroName, TensorProto.DataType.UINT8_VALUE,
                new byte[] {(byte) zeroPoint}));
        String quantized = editor.uniqueName(base + "_quantized");
        String dequantized = editor.uniqueName(base + "_dequantized");
        return List.of(
                Initializers.node("QuantizeLinear", "", editor.uniqueName(base + "/quantize"),
                        List.of(tensor, scaleName, zeroName), List.of(quantized)),
                Initializers.node("DequantizeLinear", "", editor.uniqueName(base + "/dequantize"),
                        List.of(quantized, scaleName, zeroName), List.of(dequantized)));
    }

    /** The dequantized int8 weight, the MatMul, and for Gemm its bias. */
    private List<NodeProto> product(LinearNode linear, String input) {
        int k = linear.k();
        int n = linear.n();
        Int8Tensor weight = Int8Tensor.perColumn(linear.weight(), k, n);
        String base = editor.uniqueName("greenai/int8_static/" + linear.node().getName());
        String weightName = editor.uniqueName(base + ".weight_int8");
        String scales = editor.uniqueName(base + ".weight_scale");
        String zeros = editor.uniqueName(base + ".weight_zero_point");
        String dequantized = editor.uniqueName(base + ".weight_dequantized");
        editor.addInitializer(Initializers.bytes(weightName, TensorProto.DataType.INT8_VALUE, weight.values(), k, n));
        List<NodeProto> nodes = new ArrayList<>();
        boolean gemmBias = linear.biasAdd() == null && linear.bias() != null;
        String productOut = gemmBias ? editor.uniqueName(base + "_product") : linear.node().getOutput(0);
        if (perAxis) {
            editor.addInitializer(Initializers.floats(scales, weight.scales(), n));
            editor.addInitializer(Initializers.bytes(zeros, TensorProto.DataType.INT8_VALUE, new byte[n], n));
            nodes.add(Initializers.node("DequantizeLinear", "", editor.uniqueName(base + "/dequantize_weight"),
                    List.of(weightName, scales, zeros), List.of(dequantized), Attributes.ofInt("axis", 1)));
            nodes.add(Initializers.node("MatMul", "", editor.uniqueName(base + "/matmul"),
                    List.of(input, dequantized), List.of(productOut)));
        } else {
            String unit = editor.uniqueName(base + ".unit_scale");
            String integers = editor.uniqueName(base + "_integer_product");
            editor.addInitializer(Initializers.floats(unit, new float[] {1f}));
            editor.addInitializer(Initializers.bytes(zeros, TensorProto.DataType.INT8_VALUE, new byte[1]));
            editor.addInitializer(Initializers.floats(scales, weight.scales(), n));
            nodes.add(Initializers.node("DequantizeLinear", "", editor.uniqueName(base + "/dequantize_weight"),
                    List.of(weightName, unit, zeros), List.of(dequantized)));
            nodes.add(Initializers.node("MatMul", "", editor.uniqueName(base + "/matmul"),
                    List.of(input, dequantized), List.of(integers)));
            nodes.add(Initializers.node("Mul", "", editor.uniqueName(base + "/scale_columns"),
                    List.of(integers, scales), List.of(productOut)));
        }
        if (gemmBias) {
            String bias = editor.uniqueName(base + ".bias");
            editor.addInitializer(Initializers.floats(bias, linear.bias(), n));
            nodes.add(Initializers.node("Add", "", editor.uniqueName(base + "/bias"), List.of(productOut, bias),
                    List.of(linear.output())));
        }
        return nodes;
    }
}
