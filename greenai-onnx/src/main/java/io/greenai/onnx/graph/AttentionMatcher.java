package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.UnsupportedModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Matches one attention block from its anchor: a {@code Softmax} over query-key scores (plain
 * operators), or an ONNX Runtime fused {@code Attention}, {@code MultiHeadAttention} or
 * {@code GroupQueryAttention} node. The block ends at its output projection; the residual around it
 * is the caller's business.
 */
final class AttentionMatcher {

    /** The fused attention operators (domain {@code com.microsoft}) that anchor a block. */
    static final Set<String> FUSED = Set.of("Attention", "MultiHeadAttention", "GroupQueryAttention");
    private static final Set<String> SCORE_OPS = Set.of("Add", "Sub", "Mul", "Div", "Where", "Cast", "Clip", "Max",
            "Min");
    private static final Set<String> PRESENT_PATH_OPS = Set.of("Transpose", "Unsqueeze", "Concat", "Cast",
            "Identity", "Reshape");

    private final GraphView graph;
    private final ProjectionMatcher projections;
    private final String source;

    AttentionMatcher(GraphView graph, ProjectionMatcher projections, String source) {
        this.graph = graph;
        this.projections = projections;
        this.source = source;
    }

    /**
     * Tells whether a node anchors an attention block.
     *
     * @param node a node
     * @return true for a Softmax or a supported fused attention node
     */
    static boolean isAnchor(NodeProto node) {
        return node.getOpType().equals("Softmax") || isFused(node);
    }

    static boolean isFused(NodeProto node) {
        return node.getDomain().equals("com.microsoft") && FUSED.contains(node.getOpType());
    }

    /**
     * Matches the block anchored at a node.
     *
     * @param anchor a node for which {@link #isAnchor} holds
     * @param where how to name the block in messages
     * @return the block
     * @throws UnsupportedModelException naming the node where the match stopped
     */
    AttentionBlock match(NodeProto anchor, String where) {
        if (anchor.getOpType().equals("Softmax")) {
            return plain(anchor, where);
        }
        return switch (anchor.getOpType()) {
            case "Attention" -> packed(anchor, where);
            case "MultiHeadAttention" -> multiHead(anchor, where, AttentionKind.ORT_MULTI_HEAD);
            default -> multiHead(anchor, where, AttentionKind.ORT_GROUP_QUERY);
        };
    }

    private AttentionBlock plain(NodeProto softmax, String where) {
        NodeProto scores = findScores(softmax.getInput(0), 0);
        if (scores == null) {
            throw unsupported(where + ": no query-key MatMul feeds the Softmax");
        }
        List<String> past = new ArrayList<>();
        Projection query = projections.above(scores.getInput(0), null);
        Projection key = projections.above(scores.getInput(1), past);
        NodeProto context = singleConsumer(softmax.getOutput(0), "MatMul");
        if (query == null || key == null || context == null) {
            throw unsupported(where + ": cannot find the query and key projections above "
                    + GraphView.describe(scores) + " or the Softmax·V MatMul below");
        }
        Projection value = projections.above(context.getInput(1), past);
        if (value == null) {
            throw unsupported(where + ": cannot find the value projection above " + GraphView.describe(context));
        }
        String memory = memory(query, key, value, where);
        Projection output = projections.below(context.getOutput(0));
        if (output == null) {
            throw unsupported(where + ": no attention output projection below " + GraphView.describe(context));
        }
        int[] heads = headLayout(query, scores, where);
        if (key.outFeatures() != query.outFeatures() || value.outFeatures() != query.outFeatures()) {
            throw unsupported(where + ": the key and value projections are " + key.outFeatures() + " and "
                    + value.outFeatures() + " wide, the query " + query.outFeatures()
                    + "; grouped-query attention in plain operators is not supported (export with ONNX Runtime's "
                    + "GroupQueryAttention)");
        }
        List<String> present = presentOutputs(List.of(key.output(), value.output()));
        String bias = scoreBias(softmax.getInput(0), scores.getOutput(0), heads[0]);
        return new AttentionBlock(softmax.getName(), softmax.getOutput(0), AttentionKind.PLAIN, query, key, value,
                output, heads[0], heads[0], heads[1], memory, cache(past, present), bias);
    }

    /** com.microsoft.Attention: input, packed weight [in, q+k+v], packed bias, mask, past -> output, present. */
    private AttentionBlock packed(NodeProto node, String where) {
        String weightName = GraphView.input(node, 1);
        TensorProto weight = graph.initializer(weightName);
        if (weight == null || weight.getDimsCount() != 2) {
            throw unsupported(where + ": the packed weight '" + weightName + "' is not a 2-D initializer");
        }
        int heads = (int) GraphView.intAttribute(node, "num_heads", 0);
        int in = (int) weight.getDims(0);
        int total = (int) weight.getDims(1);
        long[] sizes = GraphView.attribute(node, "qkv_hidden_sizes")
                .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray())
                .orElse(new long[] {total / 3, total / 3, total / 3});
        if (heads <= 0 || sizes.length != 3 || sizes[0] + sizes[1] + sizes[2] != total || sizes[0] != sizes[1]
                || sizes[0] != sizes[2] || sizes[0] % heads != 0) {
            throw unsupported(where + ": cannot read the head layout of " + GraphView.describe(node) + " (num_heads "
                    + heads + ", packed width " + total + ")");
        }
        if (!GraphView.input(node, 5).isEmpty() || GraphView.intAttribute(node, "past_present_share_buffer", 0) != 0) {
            throw unsupported(where + ": " + GraphView.describe(node)
                    + " uses an attention bias input or a shared past/present buffer, which is not supported");
        }
        String bias = GraphView.input(node, 2).isEmpty() ? null : GraphView.input(node, 2);
        Projection whole = new Projection(node.getName(), weightName, false, bias, node.getInput(0), node.getOutput(0),
                in, total);
        int width = (int) sizes[0];
        Projection query = whole.slice(node.getOutput(0), 0, width);
        Projection key = whole.slice(node.getOutput(0), width, width);
        Projection value = whole.slice(node.getOutput(0), 2 * width, width);
        Projection output = projections.below(node.getOutput(0));
        if (output == null) {
            throw unsupported(where + ": no attention output projection below " + GraphView.describe(node));
        }
        KvCache cache = cache(graphInputs(node, 4), graphOutputs(node, 1));
        return new AttentionBlock(node.getName(), node.getOutput(0), AttentionKind.ORT_ATTENTION, query, key, value,
                output, heads, heads, width / heads, null, cache, null);
    }

    /**
     * com.microsoft.MultiHeadAttention (query, key, value, bias, key_padding_mask, attention_bias,
     * past_key, past_value) and GroupQueryAttention (query, key, value, past_key, past_value, ...).
     */
    private AttentionBlock multiHead(NodeProto node, String where, AttentionKind kind) {
        boolean grouped = kind == AttentionKind.ORT_GROUP_QUERY;
        int heads = (int) GraphView.intAttribute(node, "num_heads", 0);
        int kvHeads = grouped ? (int) GraphView.intAttribute(node, "kv_num_heads", 0) : heads;
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw unsupported(where + ": " + GraphView.describe(node) + " has num_heads " + heads
                    + (grouped ? " and kv_num_heads " + kvHeads : ""));
        }
        if (!grouped && !GraphView.input(node, 3).isEmpty()) {
            throw unsupported(where + ": " + GraphView.describe(node)
                    + " adds a packed projection bias (input 'bias'), which is not supported");
        }
        Projection query;
        Projection key;
        Projection value;
        if (GraphView.input(node, 1).isEmpty()) {
            if (!grouped) {
                throw unsupported(where + ": " + GraphView.describe(node) + " reads packed query/key/value, which is "
                        + "supported for GroupQueryAttention only");
            }
            Projection whole = projections.above(node.getInput(0), null);
            if (whole == null || whole.outFeatures() % (heads + 2 * kvHeads) != 0) {
                throw unsupported(where + ": cannot find the packed query/key/value projection above "
                        + GraphView.describe(node));
            }
            int size = whole.outFeatures() / (heads + 2 * kvHeads);
            query = whole.slice(node.getInput(0), 0, heads * size);
            key = whole.slice(node.getInput(0), heads * size, kvHeads * size);
            value = whole.slice(node.getInput(0), (heads + kvHeads) * size, kvHeads * size);
        } else {
            query = projections.above(node.getInput(0), null);
            key = projections.above(node.getInput(1), null);
            value = projections.above(GraphView.input(node, 2), null);
            if (query == null || key == null || value == null) {
                throw unsupported(where + ": cannot find the query, key and value projections feeding "
                        + GraphView.describe(node) + " (cross-attention reading cached encoder keys is not supported)");
            }
        }
        if (query.outFeatures() % heads != 0 || key.outFeatures() * heads != query.outFeatures() * kvHeads
                || value.outFeatures() != key.outFeatures()) {
            throw unsupported(where + ": the projection widths " + query.outFeatures() + "/" + key.outFeatures() + "/"
                    + value.outFeatures() + " do not fit " + heads + " query and " + kvHeads + " key/value heads of "
                    + GraphView.describe(node));
        }
        String memory = memory(query, key, value, where);
        Projection output = projections.below(node.getOutput(0));
        if (output == null) {
            throw unsupported(where + ": no attention output projection below " + GraphView.describe(node));
        }
        int pastKey = grouped ? 3 : 6;
        List<String> past = new ArrayList<>(graphInputs(node, pastKey));
        past.addAll(graphInputs(node, pastKey + 1));
        List<String> present = new ArrayList<>(graphOutputs(node, 1));
        present.addAll(graphOutputs(node, 2));
        String bias = grouped ? null : GraphView.input(node, 5);
        if (bias != null && (bias.isEmpty() || !perHeadBias(bias, heads))) {
            bias = null;
        }
        return new AttentionBlock(node.getName(), node.getOutput(0), kind, query, key, value, output, heads, kvHeads,
                query.outFeatures() / heads, memory, cache(past, present), bias);
    }

    /** The tensor keys and values read when it is not the query's input (cross-attention), else null. */
    private String memory(Projection query, Projection key, Projection value, String where) {
        String x = projections.source(query.input());
        String k = projections.source(key.input());
        String v = projections.source(value.input());
        if (k.equals(x) && v.equals(x)) {
            return null;
        }
        if (k.equals(v)) {
            return k;
        }
        throw unsupported(where + ": query, key and value read different tensors ('" + x + "', '" + k + "', '" + v
                + "')");
    }

    private List<String> graphInputs(NodeProto node, int index) {
        String name = GraphView.input(node, index);
        return !name.isEmpty() && graph.isGraphInput(name) ? List.of(name) : List.of();
    }

    private List<String> graphOutputs(NodeProto node, int index) {
        String name = GraphView.output(node, index);
        return !name.isEmpty() && graph.isGraphOutput(name) ? List.of(name) : List.of();
    }

    private static KvCache cache(List<String> past, List<String> present) {
        return past.isEmpty() && present.isEmpty() ? KvCache.NONE : new KvCache(past, present);
    }

    /**
     * Graph outputs reached from the key and value projections through layout changes and Concats
     * with the past: the present cache.
     */
    private List<String> presentOutputs(List<String> starts) {
        List<String> found = new ArrayList<>();
        Deque<String> pending = new ArrayDeque<>(starts);
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty() && seen.size() < 64) {
            String tensor = pending.poll();
            if (!seen.add(tensor)) {
                continue;
            }
            if (graph.isGraphOutput(tensor) && !found.contains(tensor)) {
                found.add(tensor);
            }
            for (NodeProto user : graph.consumers(tensor)) {
                if (PRESENT_PATH_OPS.contains(user.getOpType())) {
                    pending.addAll(user.getOutputList());
                }
            }
        }
        return found;
    }

    /**
     * Finds a per-head bias added to the scores between the query-key MatMul and the Softmax: an
     * addend computed from a constant table with one column per head (T5's relative position bias).
     */
    private String scoreBias(String softmaxInput, String scores, int heads) {
        String current = softmaxInput;
        for (int depth = 0; depth < 8 && !current.equals(scores); depth++) {
            NodeProto producer = graph.producer(current);
            if (producer == null) {
                return null;
            }
            String next = null;
            for (String input : producer.getInputList()) {
                if (input.isEmpty() || graph.isConstant(input)) {
                    continue;
                }
                if (reaches(input, scores)) {
                    next = input;
                } else if (producer.getOpType().equals("Add") && perHeadBias(input, heads)) {
                    return input;
                }
            }
            if (next == null) {
                return null;
            }
            current = next;
        }
        return null;
    }

    private boolean reaches(String tensor, String target) {
        String current = tensor;
        for (int depth = 0; depth < 8; depth++) {
            if (current.equals(target)) {
                return true;
            }
            NodeProto producer = graph.producer(current);
            if (producer == null || !SCORE_OPS.contains(producer.getOpType())) {
                return false;
            }
            String next = null;
            for (String input : producer.getInputList()) {
                if (!input.isEmpty() && !graph.isConstant(input) && reachesShallow(input, target)) {
                    next = input;
                }
            }
            if (next == null) {
                return false;
            }
            current = next;
        }
        return false;
    }

    private boolean reachesShallow(String tensor, String target) {
        if (tensor.equals(target)) {
            return true;
        }
        NodeProto producer = graph.producer(tensor);
        return producer != null && SCORE_OPS.contains(producer.getOpType()) && reaches(tensor, target);
    }

    /** Whether a tensor is computed (within a few nodes) from a Gather on a constant [*, heads] table. */
    boolean perHeadBias(String tensor, int heads) {
        Deque<String> pending = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty() && seen.size() < 24) {
            String current = pending.poll();
            if (!seen.add(current)) {
                continue;
            }
            NodeProto producer = graph.producer(current);
            if (producer == null) {
                continue;
            }
            if (producer.getOpType().equals("Gather")) {
                TensorProto table = graph.initializer(producer.getInput(0));
                if (table != null && table.getDimsCount() == 2 && table.getDims(1) == heads && heads > 1) {
                    return true;
                }
            }
            for (String input : producer.getInputList()) {
                if (!input.isEmpty() && !graph.isConstant(input)) {
                    pending.add(input);
                }
            }
        }
        return false;
    }

    /** Walks up from the Softmax input through masking and scaling to a MatMul of two computed tensors. */
    private NodeProto findScores(String tensor, int depth) {
        NodeProto producer = graph.producer(tensor);
        if (producer == null || depth > 8) {
            return null;
        }
        if (producer.getOpType().equals("MatMul") && !graph.isConstant(producer.getInput(0))
                && !graph.isConstant(producer.getInput(1))) {
            return producer;
        }
        if (SCORE_OPS.contains(producer.getOpType())) {
            for (String input : producer.getInputList()) {
                if (!input.isEmpty() && !graph.isConstant(input)) {
                    NodeProto found = findScores(input, depth + 1);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    /** Reads heads and head size from the Reshape that splits the query into heads. */
    private int[] headLayout(Projection query, NodeProto scores, String where) {
        String current = scores.getInput(0);
        for (int depth = 0; depth < 10 && !current.equals(query.output()); depth++) {
            NodeProto producer = graph.producer(current);
            if (producer == null) {
                break;
            }
            if (producer.getOpType().equals("Reshape")) {
                long[] shape = graph.integerValues(producer.getInput(1)).orElse(null);
                if (shape == null || shape.length < 2) {
                    throw unsupported(where + ": the head split " + GraphView.describe(producer)
                            + " has a shape that is not a constant or a Concat of constants");
                }
                long heads = shape[shape.length - 2];
                long size = shape[shape.length - 1];
                int width = query.outFeatures();
                if (size > 0 && (heads <= 0) && width % size == 0) {
                    heads = width / size;
                }
                if (heads > 0 && size <= 0 && width % heads == 0) {
                    size = width / heads;
                }
                if (heads <= 0 || size <= 0 || heads * size != width) {
                    throw unsupported(where + ": the head split " + GraphView.describe(producer) + " gives "
                            + heads + " heads of " + size + ", which does not match the query width " + width);
                }
                return new int[] {(int) heads, (int) size};
            }
            current = projections.nonConstantInput(producer);
            if (current == null) {
                break;
            }
        }
        throw unsupported(where + ": no Reshape splits the query '" + query.output() + "' into heads");
    }

    private NodeProto singleConsumer(String tensor, String op) {
        List<NodeProto> users = graph.consumers(tensor).stream().filter(n -> n.getOpType().equals(op)).toList();
        return users.size() == 1 ? users.get(0) : null;
    }

    private UnsupportedModelException unsupported(String message) {
        return new UnsupportedModelException(source + ": " + message);
    }
}
