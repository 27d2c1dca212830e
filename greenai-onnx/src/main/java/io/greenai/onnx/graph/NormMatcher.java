package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises normalisations: LayerNorm and RMSNorm, fused into one node or decomposed into plain
 * operators, and ONNX Runtime's fused norms that also add the residual or the embeddings.
 */
final class NormMatcher {

    /** Fused norms that add the residual ({@code input + skip + bias}) and normalise the sum. */
    static final Set<String> SKIP_NORMS = Set.of("SkipLayerNormalization", "SkipSimplifiedLayerNormalization");
    /** Every fused norm node that can sit at a layer border. */
    static final Set<String> FUSED_NORMS = Set.of("SkipLayerNormalization", "SkipSimplifiedLayerNormalization",
            "EmbedLayerNormalization", "LayerNormalization", "SimplifiedLayerNormalization");

    private final GraphView graph;

    NormMatcher(GraphView graph) {
        this.graph = graph;
    }

    /**
     * Matches a norm that normalises {@code tensor}: a {@code LayerNormalization} or
     * {@code SimplifiedLayerNormalization} node, a decomposed LayerNorm (ReduceMean, Sub, Pow,
     * ReduceMean, Add, Sqrt, Div, then scale Mul and shift Add) or a decomposed RMSNorm (Pow,
     * ReduceMean, Add, Sqrt, then Reciprocal or Div, Mul, then scale Mul).
     *
     * @return the norm's output tensor
     */
    Optional<String> normAfter(String tensor) {
        for (NodeProto user : graph.consumers(tensor)) {
            if ((user.getOpType().equals("LayerNormalization") || user.getOpType().equals("SimplifiedLayerNormalization"))
                    && user.getInput(0).equals(tensor)) {
                return Optional.of(user.getOutput(0));
            }
        }
        Optional<String> layerNorm = decomposedLayerNorm(tensor);
        return layerNorm.isPresent() ? layerNorm : decomposedRmsNorm(tensor);
    }

    private Optional<String> decomposedLayerNorm(String tensor) {
        for (NodeProto mean : graph.consumers(tensor)) {
            if (!mean.getOpType().equals("ReduceMean")) {
                continue;
            }
            for (NodeProto sub : graph.consumers(tensor)) {
                if (!sub.getOpType().equals("Sub") || !sub.getInput(0).equals(tensor)
                        || !sub.getInput(1).equals(mean.getOutput(0))) {
                    continue;
                }
                for (NodeProto div : graph.consumers(sub.getOutput(0))) {
                    NodeProto sqrt = div.getInputCount() == 2 ? graph.producer(div.getInput(1)) : null;
                    if (div.getOpType().equals("Div") && div.getInput(0).equals(sub.getOutput(0)) && sqrt != null
                            && sqrt.getOpType().equals("Sqrt")) {
                        String out = div.getOutput(0);
                        out = affineStep(out, "Mul");
                        out = affineStep(out, "Add");
                        return Optional.of(out);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** T5 and LLaMA exports: x * 1/sqrt(mean(x^2) + eps) * weight, the input possibly cast first. */
    private Optional<String> decomposedRmsNorm(String tensor) {
        List<String> sources = castsOf(tensor);
        for (String x : sources) {
            for (NodeProto pow : graph.consumers(x)) {
                if (!pow.getOpType().equals("Pow") || !pow.getInput(0).equals(x)
                        || graph.floatScalar(pow.getInput(1)).filter(e -> e == 2f).isEmpty()) {
                    continue;
                }
                NodeProto mean = single(pow.getOutput(0), "ReduceMean");
                NodeProto add = mean == null ? null : single(mean.getOutput(0), "Add");
                NodeProto sqrt = add == null ? null : single(add.getOutput(0), "Sqrt");
                if (sqrt == null) {
                    continue;
                }
                for (NodeProto user : graph.consumers(sqrt.getOutput(0))) {
                    String normalized = null;
                    if (user.getOpType().equals("Div") && sources.contains(user.getInput(0))
                            && user.getInput(1).equals(sqrt.getOutput(0))) {
                        normalized = user.getOutput(0);
                    } else {
                        String inverse = null;
                        if (user.getOpType().equals("Reciprocal")) {
                            inverse = user.getOutput(0);
                        } else if (user.getOpType().equals("Div") && user.getInput(1).equals(sqrt.getOutput(0))
                                && graph.floatScalar(user.getInput(0)).filter(v -> v == 1f).isPresent()) {
                            inverse = user.getOutput(0);
                        }
                        if (inverse != null) {
                            for (NodeProto mul : graph.consumers(inverse)) {
                                String other = otherInput(mul, inverse);
                                if (mul.getOpType().equals("Mul") && other != null && sources.contains(other)) {
                                    normalized = mul.getOutput(0);
                                }
                            }
                        }
                    }
                    if (normalized != null) {
                        String out = castStep(normalized);
                        return Optional.of(affineStep(out, "Mul"));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The tensor and its Casts (exports cast to float32 before the variance). */
    private List<String> castsOf(String tensor) {
        List<String> names = new java.util.ArrayList<>(List.of(tensor));
        for (NodeProto user : graph.consumers(tensor)) {
            if (user.getOpType().equals("Cast")) {
                names.add(user.getOutput(0));
            }
        }
        return names;
    }

    private String castStep(String tensor) {
        List<NodeProto> users = graph.consumers(tensor);
        return users.size() == 1 && users.get(0).getOpType().equals("Cast") ? users.get(0).getOutput(0) : tensor;
    }

    private NodeProto single(String tensor, String op) {
        List<NodeProto> users = graph.consumers(tensor);
        return users.size() == 1 && users.get(0).getOpType().equals(op) ? users.get(0) : null;
    }

    private String affineStep(String tensor, String op) {
        List<NodeProto> users = graph.consumers(tensor);
        if (users.size() == 1 && users.get(0).getOpType().equals(op) && users.get(0).getInputCount() == 2) {
            String other = otherInput(users.get(0), tensor);
            if (other != null && graph.isConstant(other)) {
                return users.get(0).getOutput(0);
            }
        }
        return tensor;
    }

    /**
     * Tells whether a node is a fused norm that can sit at a layer border.
     *
     * @param node a node, or null
     * @return true for the ops of {@link #FUSED_NORMS}
     */
    static boolean isFusedNorm(NodeProto node) {
        return node != null && FUSED_NORMS.contains(node.getOpType());
    }

    /**
     * Returns the residual-stream tensor at a fused norm: the residual sum it outputs, or the tensor it
     * normalises.
     *
     * @param node a fused norm
     * @return the tensor, or {@code ""} if the node does not output the sum it normalises
     */
    static String residualOf(NodeProto node) {
        return switch (node.getOpType()) {
            case "SkipLayerNormalization", "SkipSimplifiedLayerNormalization" -> GraphView.output(node, 3);
            case "EmbedLayerNormalization" -> GraphView.output(node, 2);
            default -> node.getInput(0);
        };
    }

    /**
     * Returns the input positions of a fused norm's scale and shift.
     *
     * @param node a fused norm
     * @return {scale, shift}, shift -1 for norms without one (RMSNorm)
     */
    static int[] parameterSlots(NodeProto node) {
        return switch (node.getOpType()) {
            case "SkipLayerNormalization" -> new int[] {2, 3};
            case "SkipSimplifiedLayerNormalization" -> new int[] {2, -1};
            case "EmbedLayerNormalization" -> new int[] {5, 6};
            case "LayerNormalization" -> new int[] {1, 2};
            case "SimplifiedLayerNormalization" -> new int[] {1, -1};
            default -> throw new IllegalArgumentException("not a fused norm: " + GraphView.describe(node));
        };
    }

    /**
     * Tells whether a fused norm is an RMSNorm (no mean subtraction, no shift).
     *
     * @param node a fused norm
     * @return true for the simplified norms
     */
    static boolean isRms(NodeProto node) {
        return node.getOpType().contains("Simplified");
    }

    static String otherInput(NodeProto node, String tensor) {
        if (node.getInputCount() != 2) {
            return null;
        }
        if (node.getInput(0).equals(tensor)) {
            return node.getInput(1);
        }
        if (node.getInput(1).equals(tensor)) {
            return node.getInput(0);
        }
        return null;
    }
}
