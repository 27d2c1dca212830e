package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.greenai.onnx.graph.Attributes;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A LayerNorm decomposed into elementary operators, as PyTorch exports it:
 * {@code ReduceMean → Sub → Pow → ReduceMean → Add(epsilon) → Sqrt → Div → Mul(scale) → Add(shift)}.
 *
 * @param nodes the nodes matched, the first ReduceMean first; a partial match lists the nodes found
 * @param input the normalized tensor
 * @param output the last matched node's output
 * @param scale the constant scale (gamma), or null if not matched
 * @param shift the constant shift (beta), or null if not matched
 * @param epsilon the constant added to the variance, or null if not a float scalar
 * @param lastAxis whether both ReduceMeans reduce over the last axis only
 */
record LayerNorm(List<NodeProto> nodes, String input, String output, String scale, String shift, Float epsilon,
        boolean lastAxis) {

    /** Whether the whole pattern matched, so that one LayerNormalization can replace it. */
    boolean fusable() {
        return scale != null && shift != null && epsilon != null && lastAxis;
    }

    /**
     * The ONNX LayerNormalization (opset 17) that replaces the pattern: last axis, the same epsilon,
     * {@code stash_type} 1 so that mean and variance are computed in float32 whatever the input type.
     */
    NodeProto replacement(GraphEditor editor) {
        NodeProto first = nodes.get(0);
        return Initializers.node("LayerNormalization", "", editor.uniqueName(first.getName() + "/layer_norm"),
                List.of(input, scale, shift), List.of(output), Attributes.ofInt("axis", -1),
                AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                        .setF(epsilon).build(),
                Attributes.ofInt("stash_type", 1));
    }

    /** Finds every decomposed LayerNorm, each from its first ReduceMean; partial matches included. */
    static List<LayerNorm> find(GraphView view) {
        List<LayerNorm> found = new ArrayList<>();
        for (NodeProto node : view.nodes()) {
            if (node.getOpType().equals("ReduceMean") && !isSecondMean(view, node)) {
                found.add(match(view, node));
            }
        }
        return found;
    }

    /** A ReduceMean that averages a Pow's output is the variance of a LayerNorm, not its start. */
    private static boolean isSecondMean(GraphView view, NodeProto mean) {
        NodeProto producer = view.producer(mean.getInput(0));
        return producer != null && producer.getOpType().equals("Pow");
    }

    private static LayerNorm match(GraphView view, NodeProto mean) {
        List<NodeProto> nodes = new ArrayList<>(List.of(mean));
        String x = mean.getInput(0);
        NodeProto sub = reader(view, mean.getOutput(0), "Sub");
        if (sub == null || !sub.getInput(0).equals(x) || view.consumers(mean.getOutput(0)).size() != 1) {
            return partial(nodes, x);
        }
        nodes.add(sub);
        NodeProto pow = reader(view, sub.getOutput(0), "Pow");
        NodeProto div = reader(view, sub.getOutput(0), "Div");
        if (pow == null || div == null || view.consumers(sub.getOutput(0)).size() != 2) {
            return partial(nodes, x);
        }
        nodes.add(pow);
        // Fusing removes these intermediates, so nothing else may read them.
        NodeProto variance = single(view, pow.getOutput(0), "ReduceMean");
        NodeProto plusEpsilon = variance == null ? null : single(view, variance.getOutput(0), "Add");
        NodeProto sqrt = plusEpsilon == null ? null : single(view, plusEpsilon.getOutput(0), "Sqrt");
        if (sqrt == null || !div.getInput(1).equals(sqrt.getOutput(0)) || view.consumers(sqrt.getOutput(0)).size() != 1) {
            return partial(nodes, x);
        }
        nodes.addAll(List.of(variance, plusEpsilon, sqrt, div));
        Float epsilon = view.floatScalar(other(plusEpsilon, variance.getOutput(0))).orElse(null);
        boolean lastAxis = reducesLastAxis(view, mean) && reducesLastAxis(view, variance);
        NodeProto scale = single(view, div.getOutput(0), "Mul");
        String gamma = scale == null ? null : constantVector(view, scale, div.getOutput(0));
        if (gamma == null) {
            return new LayerNorm(nodes, x, div.getOutput(0), null, null, epsilon, lastAxis);
        }
        nodes.add(scale);
        NodeProto shift = single(view, scale.getOutput(0), "Add");
        String beta = shift == null ? null : constantVector(view, shift, scale.getOutput(0));
        if (beta == null) {
            return new LayerNorm(nodes, x, scale.getOutput(0), gamma, null, epsilon, lastAxis);
        }
        nodes.add(shift);
        return new LayerNorm(nodes, x, shift.getOutput(0), gamma, beta, epsilon, lastAxis);
    }

    private static LayerNorm partial(List<NodeProto> nodes, String x) {
        NodeProto last = nodes.get(nodes.size() - 1);
        return new LayerNorm(nodes, x, last.getOutput(0), null, null, null, false);
    }

    private static boolean reducesLastAxis(GraphView view, NodeProto mean) {
        for (AttributeProto attribute : mean.getAttributeList()) {
            if (attribute.getName().equals("axes")) {
                return attribute.getIntsCount() == 1 && attribute.getInts(0) == -1;
            }
        }
        if (mean.getInputCount() > 1) { // opset 18: axes as an input
            Optional<long[]> axes = view.integerValues(mean.getInput(1));
            return axes.isPresent() && axes.get().length == 1 && axes.get()[0] == -1;
        }
        return false;
    }

    private static NodeProto reader(GraphView view, String tensor, String op) {
        for (NodeProto reader : view.consumers(tensor)) {
            if (reader.getOpType().equals(op)) {
                return reader;
            }
        }
        return null;
    }

    /** The only reader of a tensor, if it is of the given type and the tensor is not a graph output. */
    private static NodeProto single(GraphView view, String tensor, String op) {
        List<NodeProto> readers = view.consumers(tensor);
        return readers.size() == 1 && readers.get(0).getOpType().equals(op) && !view.isGraphOutput(tensor)
                ? readers.get(0) : null;
    }

    /** The node's other input, if it is a constant 1-D vector. */
    private static String constantVector(GraphView view, NodeProto node, String tensor) {
        String other = other(node, tensor);
        return other != null && view.constant(other).filter(t -> t.getDimsCount() == 1).isPresent() ? other : null;
    }

    private static String other(NodeProto node, String tensor) {
        if (node.getInputCount() != 2) {
            return null;
        }
        return node.getInput(0).equals(tensor) ? node.getInput(1) : node.getInput(0);
    }
}
