package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.onnx.graph.Attributes;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FP16: float32 weights become float16 and every node computes in float16, except LayerNorm, whose
 * statistics stay in float32 ({@code Pow} and {@code ReduceMean} of float16 activations overflow past
 * 65504, and BERT's epsilon 1e-12 is 0 in float16). From opset 17 a decomposed LayerNorm becomes one
 * ONNX {@code LayerNormalization} with float16 input and output and {@code stash_type} 1, which the
 * specification computes in float32; in older graphs the decomposed nodes stay float32 between
 * {@code Cast}s. Float32 graph inputs are cast to float16 where they enter, and float32 graph outputs
 * are cast back, so the model's interface is unchanged. Constants beyond the float16 range (a -3.4e38
 * attention mask) are clamped to ±65504, so that {@code 0 * mask} stays 0.
 */
final class Fp16Conversion {

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int FLOAT16 = TensorProto.DataType.FLOAT16_VALUE;

    private final GraphEditor editor;
    private final GraphView view;
    private final TensorTypes types;
    private final Set<NodeProto> kept;
    /** Tensors that are float16 after conversion, under their original names. */
    private final Set<String> halves = new HashSet<>();
    /** Float32 tensors read by float16 nodes: the name of their float16 copy or cast. */
    private final Map<String, String> halfCopies = new HashMap<>();
    /** Float16 tensors read by float32 nodes: the name of their float32 cast. */
    private final Map<String, String> floatCopies = new HashMap<>();
    /** Graph outputs computed in float16: the float16 tensor's new name. */
    private final Map<String, String> renamedOutputs = new HashMap<>();
    private int convertedWeights;

    /** Decomposed LayerNorms replaced by one LayerNormalization: first node -> the replacement. */
    private final Map<NodeProto, LayerNorm> fused = new IdentityHashMap<>();
    /** The other nodes of fused LayerNorms, which the replacement makes redundant. */
    private final Set<NodeProto> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());

    Fp16Conversion(GraphEditor editor, GraphView view) {
        this.editor = editor;
        this.view = view;
        this.types = TensorTypes.infer(view);
        this.kept = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean opset17 = editor.opsetVersion("") >= 17;
        for (LayerNorm norm : LayerNorm.find(view)) {
            if (opset17 && norm.fusable()) {
                fused.put(norm.nodes().get(0), norm);
                absorbed.addAll(norm.nodes().subList(1, norm.nodes().size()));
            } else {
                kept.addAll(norm.nodes());
            }
        }
        for (NodeProto node : view.nodes()) {
            if (node.getOpType().equals("LayerNormalization") && !opset17) {
                kept.add(node); // the pre-17 form, ONNX Runtime's own, takes float32 scale and bias
            }
        }
        for (NodeProto node : view.nodes()) {
            List<NodeProto> readers = node.getOutputCount() == 1 ? view.consumers(node.getOutput(0)) : List.of();
            if (node.getOpType().equals("Constant") && !readers.isEmpty() && readers.stream().allMatch(kept::contains)) {
                kept.add(node);
            }
        }
    }

    /** How many decomposed LayerNorms became one LayerNormalization that computes in float32. */
    int fusedLayerNorms() {
        return fused.size();
    }

    /** Converts the graph; returns how many float32 initializers became float16. */
    int apply() {
        for (NodeProto node : view.nodes()) {
            if (kept.contains(node)) {
                continue;
            }
            for (String output : node.getOutputList()) {
                if (view.isGraphOutput(output) && types.isFloat(output)) {
                    renamedOutputs.put(output, editor.uniqueName(output + "_fp16"));
                }
            }
        }
        convertInitializers();
        for (NodeProto node : view.nodes()) {
            if (absorbed.contains(node)) {
                editor.remove(node);
            } else if (fused.containsKey(node)) {
                editor.replace(node, convertedNode(fused.get(node).replacement(editor)));
            } else {
                editor.replace(node, kept.contains(node) ? keptNode(node) : convertedNode(node));
            }
        }
        editor.clearValueInfo();
        return convertedWeights;
    }

    private void convertInitializers() {
        for (TensorProto initializer : view.graph().getInitializerList()) {
            String name = initializer.getName();
            if (initializer.getDataType() != FLOAT || view.isGraphInput(name)) {
                continue;
            }
            List<NodeProto> readers = view.consumers(name);
            boolean halfReader = readers.stream().anyMatch(r -> !kept.contains(r));
            boolean floatReader = readers.stream().anyMatch(kept::contains) || view.isGraphOutput(name);
            if (!halfReader) {
                continue;
            }
            TensorProto half = toHalf(initializer, name);
            if (floatReader) {
                String copy = editor.uniqueName(name + "_fp16");
                editor.addInitializer(half.toBuilder().setName(copy).build());
                halfCopies.put(name, copy);
            } else {
                editor.replaceInitializer(half);
                halves.add(name);
            }
            convertedWeights++;
        }
    }

    /** A LayerNorm node: float16 inputs are cast to float32 first; its outputs stay float32. */
    private List<NodeProto> keptNode(NodeProto node) {
        List<NodeProto> nodes = new ArrayList<>();
        NodeProto.Builder builder = node.toBuilder();
        for (int i = 0; i < node.getInputCount(); i++) {
            String input = node.getInput(i);
            if (halves.contains(input) && !renamedOutputs.containsKey(input)) {
                String cast = floatCopies.get(input);
                if (cast == null) {
                    cast = editor.uniqueName(input + "_fp32");
                    nodes.add(cast(input, cast, FLOAT));
                    floatCopies.put(input, cast);
                }
                builder.setInput(i, cast);
            }
        }
        nodes.add(builder.build());
        return nodes;
    }

    /**
     * Any other node: computes in float16; float32 inputs are cast, float32 graph outputs cast back.
     * The node may be new (a fused LayerNorm), whose output types are those of the node it replaces.
     */
    private List<NodeProto> convertedNode(NodeProto node) {
        List<NodeProto> nodes = new ArrayList<>();
        NodeProto.Builder builder = node.toBuilder();
        boolean anyInputType = node.getOpType().equals("Cast");
        for (int i = 0; i < node.getInputCount(); i++) {
            String input = node.getInput(i);
            if (renamedOutputs.containsKey(input)) {
                builder.setInput(i, renamedOutputs.get(input));
            } else if (anyInputType) {
                continue; // Cast reads any type: no need to narrow its input first
            } else if (halfCopies.containsKey(input)) {
                builder.setInput(i, halfCopies.get(input));
            } else if (!input.isEmpty() && types.isFloat(input) && !halves.contains(input)) {
                String cast = editor.uniqueName(input + "_fp16");
                nodes.add(cast(input, cast, FLOAT16));
                halfCopies.put(input, cast);
                builder.setInput(i, cast);
            }
        }
        convertBody(node, builder);
        List<NodeProto> after = new ArrayList<>();
        for (int i = 0; i < node.getOutputCount(); i++) {
            String output = node.getOutput(i);
            if (!types.isFloat(output)) {
                continue;
            }
            halves.add(output);
            String renamed = renamedOutputs.get(output);
            if (renamed != null) {
                builder.setOutput(i, renamed);
                after.add(cast(renamed, output, FLOAT));
            }
        }
        nodes.add(builder.build());
        nodes.addAll(after);
        return nodes;
    }

    /** Float16 versions of what a node makes itself: constants and casts to float. */
    private void convertBody(NodeProto node, NodeProto.Builder builder) {
        for (int a = 0; a < node.getAttributeCount(); a++) {
            AttributeProto attribute = node.getAttribute(a);
            switch (node.getOpType() + "." + attribute.getName()) {
                case "Cast.to" -> {
                    if (attribute.getI() == FLOAT) {
                        builder.setAttribute(a, attribute.toBuilder().setI(FLOAT16));
                    }
                }
                case "Constant.value", "ConstantOfShape.value" -> {
                    if (attribute.getT().getDataType() == FLOAT) {
                        builder.setAttribute(a, attribute.toBuilder().setT(toHalf(attribute.getT(),
                                attribute.getT().getName())));
                    }
                }
                case "Constant.value_float" -> builder.setAttribute(a, AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR)
                        .setT(Initializers.halves("", new short[] {HalfFloat.fromFloatSaturating(attribute.getF())})));
                case "Constant.value_floats" -> {
                    short[] values = new short[attribute.getFloatsCount()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = HalfFloat.fromFloatSaturating(attribute.getFloats(i));
                    }
                    builder.setAttribute(a, AttributeProto.newBuilder().setName("value")
                            .setType(AttributeProto.AttributeType.TENSOR)
                            .setT(Initializers.halves("", values, values.length)));
                }
                default -> {
                }
            }
        }
    }

    private NodeProto cast(String input, String output, int to) {
        return Initializers.node("Cast", "", editor.uniqueName("greenai/fp16/cast/" + output), List.of(input),
                List.of(output), Attributes.ofInt("to", to));
    }

    private static TensorProto toHalf(TensorProto tensor, String name) {
        float[] values = Tensors.toFloats(tensor);
        short[] halves = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            halves[i] = HalfFloat.fromFloatSaturating(values[i]);
        }
        long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return Initializers.halves(name, halves, dims);
    }
}
