package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Set;

/**
 * Finds linear projections in a graph: constant-weight {@code MatMul} or {@code Gemm} nodes with an
 * optional bias {@code Add}, and slices of packed weights split by a {@code Split}.
 */
final class ProjectionMatcher {

    /** Ops that only move data around, which the walks pass through. */
    static final Set<String> LAYOUT_OPS = Set.of("Transpose", "Reshape", "Squeeze", "Unsqueeze", "Cast",
            "Identity", "Dropout");
    /** Ops that rotate query and key heads in place (positions), which the walks also pass through. */
    static final Set<String> ROTARY_OPS = Set.of("RotaryEmbedding");
    private static final Set<String> CACHE_PATH_OPS = Set.of("Gather", "Transpose", "Squeeze", "Unsqueeze",
            "Slice", "Cast", "Identity", "Reshape", "Split");

    private final GraphView graph;

    ProjectionMatcher(GraphView graph) {
        this.graph = graph;
    }

    /**
     * Walks up through layout changes, rotary embeddings, scaling and bias to a constant-weight
     * projection or a slice of one. A {@code Concat} with a past key/value cache (a graph input) on the
     * way is passed, and the cache input added to {@code pastInputs}.
     *
     * @param tensor where to start
     * @param pastInputs collects the graph inputs of caches concatenated on the way, or null
     * @return the projection, or null
     */
    Projection above(String tensor, List<String> pastInputs) {
        String current = tensor;
        for (int depth = 0; depth < 12; depth++) {
            NodeProto producer = graph.producer(current);
            if (producer == null) {
                return null;
            }
            Projection projection = at(producer);
            if (projection != null) {
                return projection;
            }
            String op = producer.getOpType();
            if (LAYOUT_OPS.contains(op) || ROTARY_OPS.contains(op)) {
                current = producer.getInput(0);
            } else if (op.equals("Split")) {
                return splitSlice(producer, current);
            } else if (op.equals("Concat") && pastInputs != null) {
                String next = null;
                String past = null;
                for (String part : producer.getInputList()) {
                    String cache = cacheInput(part);
                    if (cache != null && past == null) {
                        past = cache;
                    } else if (next == null) {
                        next = part;
                    } else {
                        return null;
                    }
                }
                if (past == null || next == null) {
                    return null;
                }
                if (!pastInputs.contains(past)) {
                    pastInputs.add(past);
                }
                current = next;
            } else if ((op.equals("Mul") || op.equals("Div") || op.equals("Add")) && producer.getInputCount() == 2) {
                String next = nonConstantInput(producer);
                if (next == null) {
                    return null;
                }
                current = next;
            } else {
                return null;
            }
        }
        return null;
    }

    /** The graph input a tensor is read from through gathers and layout changes only, or null. */
    String cacheInput(String tensor) {
        String current = tensor;
        for (int depth = 0; depth < 6; depth++) {
            if (graph.isGraphInput(current)) {
                return current;
            }
            NodeProto producer = graph.producer(current);
            if (producer == null || !CACHE_PATH_OPS.contains(producer.getOpType())) {
                return null;
            }
            current = producer.getInput(0);
        }
        return null;
    }

    /** A Split output of a packed projection's result, split along the last axis. */
    private Projection splitSlice(NodeProto split, String output) {
        String packed = split.getInput(0);
        Projection whole = above(packed, null);
        if (whole == null || whole.offset() != 0) {
            return null;
        }
        long axis = GraphView.intAttribute(split, "axis", 0);
        if (axis != -1) {
            NodeProto reshape = graph.producer(packed);
            long[] shape = reshape != null && reshape.getOpType().equals("Reshape")
                    ? graph.integerValues(reshape.getInput(1)).orElse(null) : null;
            if (shape == null || shape.length != axis + 1) {
                return null;
            }
        }
        long[] sizes = splitSizes(split, whole.outFeatures());
        if (sizes == null) {
            return null;
        }
        int offset = 0;
        for (int i = 0; i < split.getOutputCount(); i++) {
            if (split.getOutput(i).equals(output)) {
                return whole.slice(output, offset, (int) sizes[i]);
            }
            offset += (int) sizes[i];
        }
        return null;
    }

    /** The output widths of a Split over a tensor of {@code width} columns, or null if unknown. */
    long[] splitSizes(NodeProto split, int width) {
        long[] sizes = null;
        for (AttributeProto attribute : split.getAttributeList()) {
            if (attribute.getName().equals("split")) {
                sizes = attribute.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        if (sizes == null && split.getInputCount() > 1 && !split.getInput(1).isEmpty()) {
            sizes = graph.constant(split.getInput(1)).map(Tensors::toLongs).orElse(null);
            if (sizes == null) {
                return null;
            }
        }
        if (sizes == null) {
            int parts = split.getOutputCount();
            if (width % parts != 0) {
                return null;
            }
            sizes = new long[parts];
            java.util.Arrays.fill(sizes, width / parts);
        }
        long total = 0;
        for (long size : sizes) {
            total += size;
        }
        return sizes.length == split.getOutputCount() && total == width ? sizes : null;
    }

    /**
     * Recognises a projection ending at this node: a constant-weight MatMul or Gemm, or a bias Add
     * right after one.
     */
    Projection at(NodeProto node) {
        switch (node.getOpType()) {
            case "MatMul", "Gemm" -> {
                return linear(node, null, node.getOutput(0));
            }
            case "Add" -> {
                if (node.getInputCount() != 2) {
                    return null;
                }
                for (int i = 0; i < 2; i++) {
                    String bias = node.getInput(i);
                    String other = node.getInput(1 - i);
                    NodeProto producer = graph.producer(other);
                    if (graph.initializer(bias) != null && producer != null && graph.consumers(other).size() == 1
                            && (producer.getOpType().equals("MatMul") || producer.getOpType().equals("Gemm"))) {
                        Projection inner = linear(producer, bias, node.getOutput(0));
                        if (inner != null && biasFits(bias, inner.outFeatures())) {
                            return inner;
                        }
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private boolean biasFits(String bias, int width) {
        TensorProto tensor = graph.initializer(bias);
        return tensor.getDimsCount() >= 1 && tensor.getDims(tensor.getDimsCount() - 1) == width
                && Tensors.elementCount(tensor) == width;
    }

    private Projection linear(NodeProto node, String bias, String output) {
        if (node.getInputCount() < 2 || graph.isConstant(node.getInput(0))) {
            return null;
        }
        TensorProto weight = graph.initializer(node.getInput(1));
        if (weight == null || weight.getDimsCount() != 2 || !Tensors.isFloatingPoint(weight)) {
            return null;
        }
        boolean transposed = false;
        String gemmBias = null;
        if (node.getOpType().equals("Gemm")) {
            if (GraphView.intAttribute(node, "transA", 0) != 0) {
                return null;
            }
            transposed = GraphView.intAttribute(node, "transB", 0) != 0;
            if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
                gemmBias = node.getInput(2);
            }
        }
        int in = (int) weight.getDims(transposed ? 1 : 0);
        int out = (int) weight.getDims(transposed ? 0 : 1);
        if (gemmBias != null && bias != null) {
            return null;
        }
        return new Projection(node.getName(), node.getInput(1), transposed, bias != null ? bias : gemmBias,
                node.getInput(0), output, in, out);
    }

    /**
     * Walks down from a tensor through layout changes to the projection that reads it, then past a
     * Reshape that restores the batch and sequence axes after a Gemm.
     *
     * @return the projection, its output the tensor after the bias and such a Reshape; or null
     */
    Projection below(String tensor) {
        String current = tensor;
        for (int depth = 0; depth < 10; depth++) {
            List<NodeProto> users = usersIgnoringShape(current);
            if (users.size() != 1) {
                return null;
            }
            NodeProto user = users.get(0);
            if ((user.getOpType().equals("MatMul") || user.getOpType().equals("Gemm"))
                    && user.getInput(0).equals(current)) {
                Projection projection = linear(user, null, user.getOutput(0));
                if (projection == null) {
                    return null;
                }
                if (projection.bias() == null) {
                    List<NodeProto> next = graph.consumers(user.getOutput(0));
                    if (next.size() == 1) {
                        Projection biased = at(next.get(0));
                        if (biased != null && biased.node().equals(user.getName())) {
                            projection = biased;
                        }
                    }
                }
                return withOutput(projection, afterReshapes(projection.output()));
            }
            if (!LAYOUT_OPS.contains(user.getOpType())) {
                return null;
            }
            current = user.getOutput(0);
        }
        return null;
    }

    /** Follows a tensor down through Reshapes that are its only (non-Shape) reader. */
    String afterReshapes(String tensor) {
        String current = tensor;
        for (int depth = 0; depth < 4; depth++) {
            List<NodeProto> users = usersIgnoringShape(current);
            if (users.size() != 1 || !users.get(0).getOpType().equals("Reshape")
                    || !users.get(0).getInput(0).equals(current)) {
                return current;
            }
            current = users.get(0).getOutput(0);
        }
        return current;
    }

    /** The tensor a chain of Reshapes was made from: exporters flatten a projection's input for Gemm. */
    String source(String tensor) {
        String current = tensor;
        for (int depth = 0; depth < 4; depth++) {
            NodeProto producer = graph.producer(current);
            if (producer == null || !producer.getOpType().equals("Reshape")) {
                return current;
            }
            current = producer.getInput(0);
        }
        return current;
    }

    List<NodeProto> usersIgnoringShape(String tensor) {
        return graph.consumers(tensor).stream().filter(n -> !n.getOpType().equals("Shape")).toList();
    }

    private static Projection withOutput(Projection p, String output) {
        return new Projection(p.node(), p.weight(), p.transposed(), p.bias(), p.input(), output, p.inFeatures(),
                p.outFeatures(), p.offset());
    }

    String nonConstantInput(NodeProto node) {
        String found = null;
        for (String input : node.getInputList()) {
            if (!input.isEmpty() && !graph.isConstant(input)) {
                if (found != null) {
                    return node.getOpType().equals("Reshape") ? node.getInput(0) : null;
                }
                found = input;
            }
        }
        return found;
    }
}
