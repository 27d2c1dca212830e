package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.onnx.graph.Attributes;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Replaces each exported self-attention core by one {@code com.microsoft.MultiHeadAttention}, which
 * ONNX Runtime's CPU provider computes without materializing the head transposes and the masked
 * score tensor.
 *
 * <p>The pattern, as PyTorch exports BERT: query, key and value {@code [B, S, H]} are each reshaped to
 * heads and transposed ({@code perm} 0,2,1,3; 0,2,3,1 for the key); {@code MatMul(q, k)}, scaled by
 * a constant {@code Div} or {@code Mul}, plus an additive padding mask, {@code Softmax} over the last
 * axis, {@code MatMul} with the values, transposed back and reshaped to {@code [B, S, H]}. The mask
 * must come from an integer graph input m as {@code (1 - m) * c} with c ≤ -10000 (through
 * {@code Cast}s and {@code Unsqueeze}s in any order): then passing m as MultiHeadAttention's key
 * padding mask masks the same keys. A layer that differs in any way is left as it is.
 */
final class AttentionFusion {

    /** Additive masks at least this negative hide a key as completely as MultiHeadAttention does. */
    private static final float MASK_LIMIT = -10_000f;

    private final GraphEditor editor;
    private final GraphView view;
    private String keyMask;

    private AttentionFusion(GraphEditor editor, GraphView view) {
        this.editor = editor;
        this.view = view;
    }

    /** The matched core of one layer's attention. */
    private record Core(String query, String key, String value, String output, NodeProto last, long heads,
            float scale, String maskInput) {
    }

    /**
     * Fuses every attention core that matches the pattern; the nodes it replaces become dead code.
     *
     * @return how many were fused
     */
    static int apply(GraphEditor editor, GraphView view) {
        return new AttentionFusion(editor, view).apply();
    }

    private int apply() {
        List<Core> cores = new ArrayList<>();
        for (NodeProto node : view.nodes()) {
            if (node.getOpType().equals("Softmax")) {
                match(node).ifPresent(cores::add);
            }
        }
        String input = cores.isEmpty() ? null : cores.get(0).maskInput();
        List<Core> fusable = cores.stream().filter(c -> c.maskInput().equals(input)).toList();
        for (int i = 0; i < fusable.size(); i++) {
            Core core = fusable.get(i);
            List<NodeProto> nodes = new ArrayList<>();
            if (i == 0) {
                editor.requireOpset(Quantizer.MS_DOMAIN, 1);
                keyMask = editor.uniqueName(input + "_int32");
                nodes.add(Initializers.node("Cast", "", editor.uniqueName("greenai/attention/mask_int32"),
                        List.of(input), List.of(keyMask),
                        Attributes.ofInt("to", TensorProto.DataType.INT32_VALUE)));
            }
            nodes.add(Initializers.node("MultiHeadAttention", Quantizer.MS_DOMAIN,
                    editor.uniqueName("greenai/attention/" + core.last().getName()),
                    List.of(core.query(), core.key(), core.value(), "", keyMask), List.of(core.output()),
                    Attributes.ofInt("num_heads", core.heads()),
                    AttributeProto.newBuilder().setName("scale").setType(AttributeProto.AttributeType.FLOAT)
                            .setF(core.scale()).build()));
            editor.replace(core.last(), nodes);
        }
        return fusable.size();
    }

    private Optional<Core> match(NodeProto softmax) {
        long axis = GraphView.intAttribute(softmax, "axis", -1);
        NodeProto masked = producer(softmax.getInput(0), "Add");
        if ((axis != -1 && axis != 3) || masked == null) {
            return Optional.empty();
        }
        for (int side = 0; side < 2; side++) {
            NodeProto scaling = view.producer(masked.getInput(side));
            String mask = masked.getInput(1 - side);
            if (scaling == null || !(scaling.getOpType().equals("Div") || scaling.getOpType().equals("Mul"))) {
                continue;
            }
            Optional<Core> core = core(softmax, scaling, mask);
            if (core.isPresent()) {
                return core;
            }
        }
        return Optional.empty();
    }

    private Optional<Core> core(NodeProto softmax, NodeProto scaling, String mask) {
        Optional<Float> constant = view.floatScalar(scaling.getInput(1));
        NodeProto scores = producer(scaling.getInput(0), "MatMul");
        Optional<String> maskInput = maskInput(mask);
        List<NodeProto> readers = view.consumers(softmax.getOutput(0));
        if (constant.isEmpty() || constant.get() == 0 || scores == null || maskInput.isEmpty() || readers.size() != 1
                || !readers.get(0).getOpType().equals("MatMul") || !readers.get(0).getInput(0).equals(softmax.getOutput(0))) {
            return Optional.empty();
        }
        float scale = scaling.getOpType().equals("Div") ? 1f / constant.get() : constant.get();
        NodeProto context = readers.get(0);
        String[] query = heads(scores.getInput(0), 0, 2, 1, 3);
        String[] key = heads(scores.getInput(1), 0, 2, 3, 1);
        String[] value = heads(context.getInput(1), 0, 2, 1, 3);
        NodeProto back = single(context.getOutput(0), "Transpose");
        NodeProto merged = back == null || !perm(back, 0, 2, 1, 3) ? null : reshapeOf(back.getOutput(0));
        if (query == null || key == null || value == null || merged == null || !query[1].equals(key[1])
                || !query[1].equals(value[1])) {
            return Optional.empty();
        }
        return Optional.of(new Core(query[0], key[0], value[0], merged.getOutput(0), merged,
                Long.parseLong(query[1]), scale, maskInput.get()));
    }

    /**
     * Follows {@code Transpose(perm) <- Reshape(x, [.., .., heads, size])} up from a tensor.
     *
     * @return x and the head count, or null if the tensor is not made that way
     */
    private String[] heads(String tensor, long... perm) {
        NodeProto transpose = producer(tensor, "Transpose");
        NodeProto reshape = transpose == null ? null : producer(transpose.getInput(0), "Reshape");
        if (reshape == null || !perm(transpose, perm) || view.consumers(transpose.getOutput(0)).size() != 1) {
            return null;
        }
        Optional<long[]> shape = view.integerValues(reshape.getInput(1));
        if (shape.isEmpty() || shape.get().length != 4 || shape.get()[2] <= 0 || shape.get()[3] <= 0) {
            return null;
        }
        return new String[] {reshape.getInput(0), String.valueOf(shape.get()[2])};
    }

    /**
     * Follows an additive mask up to the integer graph input it is made from, if it is
     * {@code (1 - m) * c} with c ≤ -10000 through Casts and Unsqueezes.
     */
    private Optional<String> maskInput(String mask) {
        String tensor = mask;
        boolean inverted = false;
        boolean scaled = false;
        for (int steps = 0; steps < 12; steps++) {
            if (view.isGraphInput(tensor)) {
                return inverted && scaled ? Optional.of(tensor) : Optional.empty();
            }
            NodeProto node = view.producer(tensor);
            if (node == null) {
                return Optional.empty();
            }
            switch (node.getOpType()) {
                case "Cast", "Unsqueeze" -> tensor = node.getInput(0);
                case "Sub" -> {
                    if (inverted || !view.floatScalar(node.getInput(0)).filter(v -> v == 1f).isPresent()) {
                        return Optional.empty();
                    }
                    inverted = true;
                    tensor = node.getInput(1);
                }
                case "Mul" -> {
                    int constantSide = view.floatScalar(node.getInput(1)).isPresent() ? 1 : 0;
                    Optional<Float> factor = view.floatScalar(node.getInput(constantSide));
                    if (scaled || factor.isEmpty() || factor.get() > MASK_LIMIT) {
                        return Optional.empty();
                    }
                    scaled = true;
                    tensor = node.getInput(1 - constantSide);
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private NodeProto producer(String tensor, String op) {
        NodeProto node = view.producer(tensor);
        return node != null && node.getOpType().equals(op) ? node : null;
    }

    private NodeProto single(String tensor, String op) {
        List<NodeProto> readers = view.consumers(tensor);
        return readers.size() == 1 && readers.get(0).getOpType().equals(op) && !view.isGraphOutput(tensor)
                ? readers.get(0) : null;
    }

    /** The one Reshape reading a tensor whose other readers only take its Shape (to build the Reshape's target). */
    private NodeProto reshapeOf(String tensor) {
        NodeProto reshape = null;
        for (NodeProto reader : view.consumers(tensor)) {
            if (reader.getOpType().equals("Reshape") && reshape == null) {
                reshape = reader;
            } else if (!reader.getOpType().equals("Shape")) {
                return null;
            }
        }
        return view.isGraphOutput(tensor) ? null : reshape;
    }

    private static boolean perm(NodeProto transpose, long... expected) {
        for (AttributeProto attribute : transpose.getAttributeList()) {
            if (attribute.getName().equals("perm")) {
                if (attribute.getIntsCount() != expected.length) {
                    return false;
                }
                for (int i = 0; i < expected.length; i++) {
                    if (attribute.getInts(i) != expected[i]) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
