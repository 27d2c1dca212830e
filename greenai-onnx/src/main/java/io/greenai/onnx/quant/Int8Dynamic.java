package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * INT8 with dynamic activations: each constant-weight MatMul (with its bias Add) becomes one
 * {@code com.microsoft.DynamicQuantizeMatMul}, which quantizes its float input to uint8 at run time
 * (one scale and zero point per tensor, from its range), multiplies by the int8 weight (one scale per
 * output column, zero point 0) with ONNX Runtime's u8s8 integer kernels, and adds the float bias.
 *
 * <p>Products that read the same input (a layer's query, key and value projections) share one
 * {@code DynamicQuantizeLinear} of it, followed by one {@code com.microsoft.MatMulIntegerToFloat} each:
 * the input is quantized once. This is the form ONNX Runtime's own fusions give the graph its Python
 * quantizer writes ({@code DynamicQuantizeLinear → MatMulInteger → Cast → Mul}), emitted directly.
 * (Concatenating the three weights into one product followed by a {@code Split} measured no faster:
 * the split copies the outputs again.)
 */
final class Int8Dynamic {

    private final GraphEditor editor;
    private final GraphView view;
    private int products;
    private int sharedInputs;

    Int8Dynamic(GraphEditor editor, GraphView view) {
        this.editor = editor;
        this.view = view;
    }

    /** Replaces the products; returns how many integer products the graph now has. */
    int apply(List<LinearNode> linears) {
        editor.requireOpset(Quantizer.MS_DOMAIN, 1);
        for (List<LinearNode> group : byInput(linears)) {
            if (group.size() > 1) {
                shared(group);
            } else {
                single(group.get(0));
            }
        }
        return products;
    }

    private List<List<LinearNode>> byInput(List<LinearNode> linears) {
        Map<String, List<LinearNode>> groups = new LinkedHashMap<>();
        for (LinearNode linear : linears) {
            groups.computeIfAbsent(linear.input(), k -> new ArrayList<>()).add(linear);
        }
        return new ArrayList<>(groups.values());
    }

    /** How many inputs are quantized once for several products. */
    int sharedInputs() {
        return sharedInputs;
    }

    /** DynamicQuantizeMatMul(A, int8 weight, column scales, no zero point, bias). */
    private void single(LinearNode linear) {
        String name = editor.uniqueName("greenai/int8/" + linear.node().getName());
        Constants constants = constants(linear, name);
        List<String> inputs = new ArrayList<>(List.of(linear.input(), constants.weight(), constants.scales()));
        if (constants.bias() != null) {
            inputs.add(""); // weight zero point: 0, the default
            inputs.add(constants.bias());
        }
        replace(linear, List.of(Initializers.node("DynamicQuantizeMatMul", Quantizer.MS_DOMAIN, name, inputs,
                List.of(linear.output()))));
    }

    /**
     * DynamicQuantizeLinear(A) once, then MatMulIntegerToFloat(A as uint8, int8 weight, A's scale,
     * column scales, A's zero point, no weight zero point, bias) for each product.
     */
    private void shared(List<LinearNode> group) {
        sharedInputs++;
        group = new ArrayList<>(group);
        group.sort(Comparator.comparingInt(l -> view.position(l.node())));
        LinearNode first = group.get(0);
        String base = editor.uniqueName("greenai/int8/" + first.input());
        String quantized = editor.uniqueName(base + "_uint8");
        String scale = editor.uniqueName(base + "_scale");
        String zeroPoint = editor.uniqueName(base + "_zero_point");
        NodeProto quantize = Initializers.node("DynamicQuantizeLinear", "", editor.uniqueName(base + "/quantize"),
                List.of(first.input()), List.of(quantized, scale, zeroPoint));
        for (LinearNode linear : group) {
            String name = editor.uniqueName("greenai/int8/" + linear.node().getName());
            Constants constants = constants(linear, name);
            List<String> inputs = new ArrayList<>(List.of(quantized, constants.weight(), scale, constants.scales(),
                    zeroPoint));
            if (constants.bias() != null) {
                inputs.add("");
                inputs.add(constants.bias());
            }
            NodeProto product = Initializers.node("MatMulIntegerToFloat", Quantizer.MS_DOMAIN, name, inputs,
                    List.of(linear.output()));
            replace(linear, linear == first ? List.of(quantize, product) : List.of(product));
        }
    }

    /** The names of a product's int8 weight, its column scales and its bias (null if none). */
    private record Constants(String weight, String scales, String bias) {
    }

    private Constants constants(LinearNode linear, String name) {
        Int8Tensor weight = Int8Tensor.perColumn(linear.weight(), linear.k(), linear.n());
        String weightName = editor.uniqueName(name + ".weight_int8");
        String scaleName = editor.uniqueName(name + ".weight_scale");
        editor.addInitializer(Initializers.bytes(weightName, TensorProto.DataType.INT8_VALUE, weight.values(),
                linear.k(), linear.n()));
        editor.addInitializer(Initializers.floats(scaleName, weight.scales(), linear.n()));
        String biasName = null;
        if (linear.bias() != null) {
            biasName = editor.uniqueName(name + ".bias");
            editor.addInitializer(Initializers.floats(biasName, linear.bias(), linear.n()));
        }
        return new Constants(weightName, scaleName, biasName);
    }

    private void replace(LinearNode linear, List<NodeProto> nodes) {
        editor.replace(linear.node(), nodes);
        if (linear.biasAdd() != null) {
            editor.remove(linear.biasAdd());
        }
        products++;
    }
}
