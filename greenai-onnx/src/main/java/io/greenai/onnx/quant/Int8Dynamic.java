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
 *
 * <p>In a float16 model these operators still need float32 activations (ONNX Runtime registers them
 * for float only), so a {@code Cast} to float32 goes before each quantized input, once however many
 * products read it, and a {@code Cast} back to float16 after each product: the products run on
 * ONNX Runtime's integer kernels and the graph's other tensors keep their float16 type.
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
        List<NodeProto> nodes = new ArrayList<>();
        String input = floatInput(linear, name, nodes);
        List<String> inputs = new ArrayList<>(List.of(input, constants.weight(), constants.scales()));
        if (constants.bias() != null) {
            inputs.add(""); // weight zero point: 0, the default
            inputs.add(constants.bias());
        }
        String output = floatOutput(linear, name);
        nodes.add(Initializers.node("DynamicQuantizeMatMul", Quantizer.MS_DOMAIN, name, inputs, List.of(output)));
        backToHalf(linear, name, output, nodes);
        replace(linear, nodes);
    }

    /** The product's input as float32: the input itself, or (float16 model) a Cast of it added to {@code nodes}. */
    private String floatInput(LinearNode linear, String name, List<NodeProto> nodes) {
        if (!linear.half()) {
            return linear.input();
        }
        String cast = editor.uniqueName(name + "/input_float32");
        nodes.add(Initializers.node("Cast", "", editor.uniqueName(name + "/cast_input"), List.of(linear.input()),
                List.of(cast), Attributes.ofInt("to", TensorProto.DataType.FLOAT_VALUE)));
        return cast;
    }

    /** The tensor the integer product writes: the linear's output, or (float16 model) a float32 one before it. */
    private String floatOutput(LinearNode linear, String name) {
        return linear.half() ? editor.uniqueName(name + "/output_float32") : linear.output();
    }

    /** In a float16 model, casts the product's float32 result back to the float16 output. */
    private void backToHalf(LinearNode linear, String name, String output, List<NodeProto> nodes) {
        if (linear.half()) {
            nodes.add(Initializers.node("Cast", "", editor.uniqueName(name + "/cast_output"), List.of(output),
                    List.of(linear.output()), Attributes.ofInt("to", TensorProto.DataType.FLOAT16_VALUE)));
        }
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
        List<NodeProto> quantize = new ArrayList<>();
        String input = floatInput(first, base, quantize);
        quantize.add(Initializers.node("DynamicQuantizeLinear", "", editor.uniqueName(base + "/quantize"),
                List.of(input), List.of(quantized, scale, zeroPoint)));
        for (LinearNode linear : group) {
            String name = editor.uniqueName("greenai/int8/" + linear.node().getName());
            Constants constants = constants(linear, name);
            List<String> inputs = new ArrayList<>(List.of(quantized, constants.weight(), scale, constants.scales(),
                    zeroPoint));
            if (constants.bias() != null) {
                inputs.add("");
                inputs.add(constants.bias());
            }
            List<NodeProto> nodes = new ArrayList<>(linear == first ? quantize : List.of());
            String output = floatOutput(linear, name);
            nodes.add(Initializers.node("MatMulIntegerToFloat", Quantizer.MS_DOMAIN, name, inputs, List.of(output)));
            backToHalf(linear, name, output, nodes);
            replace(linear, nodes);
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
