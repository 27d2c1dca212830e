package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.NormPlacement;
import io.greenai.core.UnsupportedModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the stack of transformer layers in an ONNX graph by its shape, not by node names.
 *
 * <p>Each attention {@code Softmax} anchors one layer. From it the search walks up to the
 * query-key {@code MatMul} and the query, key and value projections (constant-weight MatMuls), and
 * down to the attention output projection and its residual {@code Add}, whose other input is the
 * layer's input on the residual stream. A LayerNorm (fused {@code LayerNormalization} or decomposed
 * into ReduceMean/Sub/Pow/Sqrt/Div) after the residual marks a post-norm layer (BERT); one before the
 * projections marks a pre-norm layer (GPT-2). The feed-forward block is the second residual
 * {@code Add}: a down projection fed, through the activation, by an up projection. Consecutive layers
 * must share their residual-stream tensor, or discovery fails.
 */
public final class TransformerDiscovery {

    private static final Set<String> LAYOUT_OPS = Set.of("Transpose", "Reshape", "Squeeze", "Unsqueeze", "Cast",
            "Identity", "Dropout");
    private static final Set<String> SCORE_OPS = Set.of("Add", "Sub", "Mul", "Div", "Where", "Cast", "Clip", "Max",
            "Min");
    private static final int MAX_ACTIVATION_NODES = 16;

    private final GraphView graph;
    private final String source;

    private TransformerDiscovery(GraphView graph, String source) {
        this.graph = graph;
        this.source = source;
    }

    /**
     * Discovers the transformer stack of a graph.
     *
     * @param graph the graph
     * @param source the model's name or file, for error messages
     * @return the stack, at least one layer
     * @throws UnsupportedModelException naming what is missing and the node where the search stopped
     */
    public static TransformerStack discover(GraphView graph, String source) {
        return new TransformerDiscovery(graph, source).discover();
    }

    /**
     * Recognises a projection whose result is {@code tensor}: a constant-weight MatMul or Gemm, or a
     * bias Add right after one (e.g. a classifier head producing a graph output).
     *
     * @param graph the graph
     * @param tensor the tensor
     * @return the projection, or null if {@code tensor} is not produced by one
     */
    public static Projection projectionProducing(GraphView graph, String tensor) {
        NodeProto producer = graph.producer(tensor);
        return producer == null ? null : new TransformerDiscovery(graph, "").projectionAt(producer);
    }

    private TransformerStack discover() {
        List<NodeProto> softmaxes = graph.nodes().stream().filter(n -> n.getOpType().equals("Softmax")).toList();
        if (softmaxes.isEmpty()) {
            Set<String> fused = new LinkedHashSet<>();
            for (NodeProto node : graph.nodes()) {
                if (node.getDomain().equals("com.microsoft") || node.getOpType().contains("Attention")) {
                    fused.add(node.getOpType());
                }
            }
            throw unsupported("no transformer stack: the graph has no attention Softmax"
                    + (fused.isEmpty() ? "" : " (fused operators " + fused + " are not supported yet)"));
        }
        List<LayerBlock> layers = new ArrayList<>();
        for (NodeProto softmax : softmaxes) {
            layers.add(layer(layers.size(), softmax));
        }
        for (int i = 1; i < layers.size(); i++) {
            LayerBlock previous = layers.get(i - 1);
            LayerBlock layer = layers.get(i);
            if (!layer.input().equals(previous.output())) {
                throw unsupported("layer " + i + " (Softmax '" + layer.softmax() + "') reads residual tensor '"
                        + layer.input() + "', but layer " + (i - 1) + " writes '" + previous.output()
                        + "': the layers do not form one stack");
            }
            if (layer.norm() != previous.norm()) {
                throw unsupported("layer " + i + " is " + layer.norm() + "-norm but layer " + (i - 1) + " is "
                        + previous.norm() + "-norm");
            }
        }
        int hidden = layers.get(0).query().inFeatures();
        return new TransformerStack(hidden, layers);
    }

    private LayerBlock layer(int index, NodeProto softmax) {
        String where = "layer " + index + " (Softmax " + GraphView.describe(softmax) + ")";
        NodeProto scores = findScores(softmax.getInput(0), 0);
        if (scores == null) {
            throw unsupported(where + ": no query-key MatMul feeds the Softmax");
        }
        Projection query = projectionAbove(scores.getInput(0));
        Projection key = projectionAbove(scores.getInput(1));
        NodeProto context = singleConsumer(softmax.getOutput(0), "MatMul");
        if (query == null || key == null || context == null) {
            throw unsupported(where + ": cannot find the query and key projections above "
                    + GraphView.describe(scores) + " or the Softmax·V MatMul below");
        }
        Projection value = projectionAbove(context.getInput(1));
        if (value == null) {
            throw unsupported(where + ": cannot find the value projection above " + GraphView.describe(context));
        }
        String x = query.input();
        if (!key.input().equals(x) || !value.input().equals(x)) {
            throw unsupported(where + ": query, key and value read different tensors ('" + x + "', '" + key.input()
                    + "', '" + value.input() + "'); cross-attention is not supported yet");
        }
        Projection output = projectionBelow(context.getOutput(0));
        if (output == null) {
            throw unsupported(where + ": no attention output projection below " + GraphView.describe(context));
        }
        NodeProto residual1 = residualAdd(output.output());
        if (residual1 == null) {
            throw unsupported(where + ": no residual Add after the attention output projection '" + output.node() + "'");
        }
        String skip = otherInput(residual1, output.output());
        NormPlacement norm;
        String ffnInput;
        String mid;
        if (skip.equals(x)) {
            norm = NormPlacement.POST;
            mid = layerNormAfter(residual1.getOutput(0))
                    .orElseThrow(() -> unsupported(where + ": no LayerNorm after the residual Add "
                            + GraphView.describe(residual1)));
            ffnInput = mid;
        } else {
            norm = NormPlacement.PRE;
            String normalised = layerNormAfter(skip).orElse(null);
            if (!x.equals(normalised)) {
                throw unsupported(where + ": the attention reads '" + x + "', which is neither the residual input '"
                        + skip + "' nor its LayerNorm");
            }
            mid = residual1.getOutput(0);
            ffnInput = layerNormAfter(mid).orElseThrow(() -> unsupported(where
                    + ": no LayerNorm before the feed-forward block on '" + residual1.getOutput(0) + "'"));
        }
        NodeProto residual2 = residualAdd(mid);
        if (residual2 == null) {
            throw unsupported(where + ": no feed-forward residual Add reading '" + mid + "'");
        }
        Projection down = projectionAbove(otherInput(residual2, mid));
        if (down == null) {
            throw unsupported(where + ": no feed-forward down projection feeds the residual Add "
                    + GraphView.describe(residual2));
        }
        List<NodeProto> activationNodes = new ArrayList<>();
        Projection up = upProjection(down, activationNodes, where);
        if (!up.input().equals(ffnInput)) {
            throw unsupported(where + ": the feed-forward up projection '" + up.node() + "' reads '" + up.input()
                    + "', expected '" + ffnInput + "'");
        }
        NormMatch outputNorm = norm == NormPlacement.POST
                ? layerNorm(residual2.getOutput(0)).orElseThrow(() -> unsupported(where
                        + ": no LayerNorm after the feed-forward residual Add " + GraphView.describe(residual2)))
                : null;
        String layerOutput = outputNorm != null ? outputNorm.output() : residual2.getOutput(0);
        int[] heads = headLayout(query, scores, where);
        return new LayerBlock(index, skip, layerOutput, softmax.getName(), query, key, value, output, up, down,
                heads[0], heads[1], activationName(activationNodes), norm, skip, residual1.getOutput(0), mid,
                residual2.getOutput(0), outputNorm == null ? null : outputNorm.scale(),
                outputNorm == null ? null : outputNorm.bias());
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

    /** Walks up through layout changes, scaling and bias to a constant-weight projection. */
    private Projection projectionAbove(String tensor) {
        String current = tensor;
        for (int depth = 0; depth < 10; depth++) {
            NodeProto producer = graph.producer(current);
            if (producer == null) {
                return null;
            }
            Projection projection = projectionAt(producer);
            if (projection != null) {
                return projection;
            }
            String op = producer.getOpType();
            if (LAYOUT_OPS.contains(op)) {
                current = producer.getInput(0);
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

    /**
     * Recognises a projection ending at this node: a constant-weight MatMul or Gemm, or a bias Add
     * right after one.
     */
    private Projection projectionAt(NodeProto node) {
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

    /** Walks down from the attention context through layout changes to the output projection. */
    private Projection projectionBelow(String tensor) {
        String current = tensor;
        for (int depth = 0; depth < 10; depth++) {
            List<NodeProto> users = graph.consumers(current).stream()
                    .filter(n -> !n.getOpType().equals("Shape")).toList();
            if (users.size() != 1) {
                return null;
            }
            NodeProto user = users.get(0);
            if ((user.getOpType().equals("MatMul") || user.getOpType().equals("Gemm"))
                    && user.getInput(0).equals(current)) {
                Projection plain = linear(user, null, user.getOutput(0));
                if (plain == null) {
                    return null;
                }
                if (plain.bias() != null) {
                    return plain;
                }
                List<NodeProto> next = graph.consumers(user.getOutput(0));
                if (next.size() == 1) {
                    Projection biased = projectionAt(next.get(0));
                    if (biased != null && biased.node().equals(user.getName())) {
                        return biased;
                    }
                }
                return plain;
            }
            if (!LAYOUT_OPS.contains(user.getOpType())) {
                return null;
            }
            current = user.getOutput(0);
        }
        return null;
    }

    /** The residual Add reading a tensor together with another computed tensor. */
    private NodeProto residualAdd(String tensor) {
        NodeProto found = null;
        for (NodeProto user : graph.consumers(tensor)) {
            if (user.getOpType().equals("Add") && user.getInputCount() == 2) {
                String other = otherInput(user, tensor);
                if (other != null && !graph.isConstant(other)) {
                    if (found != null) {
                        return null;
                    }
                    found = user;
                }
            }
        }
        return found;
    }

    /**
     * Matches a LayerNorm that normalises {@code tensor}: a {@code LayerNormalization} node, or the
     * decomposed ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, then scale Mul and shift Add.
     *
     * @return the LayerNorm's output tensor
     */
    private Optional<String> layerNormAfter(String tensor) {
        return layerNorm(tensor).map(NormMatch::output);
    }

    /** A LayerNorm found in the graph: its output and its scale and shift initializers (null if absent). */
    private record NormMatch(String output, String scale, String bias) {
    }

    private Optional<NormMatch> layerNorm(String tensor) {
        for (NodeProto user : graph.consumers(tensor)) {
            if (user.getOpType().equals("LayerNormalization") && user.getInput(0).equals(tensor)) {
                return Optional.of(new NormMatch(user.getOutput(0), user.getInput(1),
                        user.getInputCount() > 2 && !user.getInput(2).isEmpty() ? user.getInput(2) : null));
            }
        }
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
                        String normalized = div.getOutput(0);
                        String scaled = affineStep(normalized, "Mul");
                        String shifted = affineStep(scaled, "Add");
                        return Optional.of(new NormMatch(shifted, constantOperand(scaled, normalized),
                                constantOperand(shifted, scaled)));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The constant operand of the node that turned {@code from} into {@code to}, or null if none did. */
    private String constantOperand(String to, String from) {
        if (to.equals(from)) {
            return null;
        }
        NodeProto node = graph.producer(to);
        String other = otherInput(node, from);
        return other != null && graph.initializer(other) != null ? other : null;
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

    /** Walks up from the down projection through the activation to the one up projection. */
    private Projection upProjection(Projection down, List<NodeProto> activationNodes, String where) {
        Set<NodeProto> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<String> pending = new ArrayDeque<>();
        pending.add(down.input());
        Projection up = null;
        while (!pending.isEmpty()) {
            String tensor = pending.poll();
            NodeProto producer = graph.producer(tensor);
            if (producer == null) {
                throw unsupported(where + ": the feed-forward activation reads '" + tensor
                        + "', which no up projection produces");
            }
            if (!seen.add(producer)) {
                continue;
            }
            Projection projection = projectionAt(producer);
            if (projection != null) {
                if (up != null && !up.node().equals(projection.node())) {
                    throw unsupported(where + ": the feed-forward block has two input projections ('" + up.node()
                            + "', '" + projection.node() + "'): gated feed-forward blocks are not supported yet");
                }
                up = projection;
                continue;
            }
            activationNodes.add(producer);
            if (activationNodes.size() > MAX_ACTIVATION_NODES) {
                throw unsupported(where + ": no up projection within " + MAX_ACTIVATION_NODES
                        + " nodes above the feed-forward down projection '" + down.node() + "'");
            }
            for (String input : producer.getInputList()) {
                if (!input.isEmpty() && !graph.isConstant(input)) {
                    pending.add(input);
                }
            }
        }
        if (up == null) {
            throw unsupported(where + ": no up projection above the feed-forward down projection '" + down.node() + "'");
        }
        return up;
    }

    private static String activationName(List<NodeProto> nodes) {
        Set<String> ops = new LinkedHashSet<>();
        nodes.forEach(n -> ops.add(n.getOpType()));
        if (ops.isEmpty()) {
            return "identity";
        }
        if (ops.contains("Erf") || ops.contains("Gelu") || ops.contains("BiasGelu")) {
            return "gelu";
        }
        if (ops.contains("FastGelu") || ops.contains("Tanh")) {
            return "gelu_tanh";
        }
        if (ops.contains("Relu")) {
            return "relu";
        }
        if (ops.contains("Sigmoid")) {
            return "silu";
        }
        return String.join("+", ops).toLowerCase(java.util.Locale.ROOT);
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
            current = nonConstantInput(producer);
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

    private String nonConstantInput(NodeProto node) {
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

    private static String otherInput(NodeProto node, String tensor) {
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

    private UnsupportedModelException unsupported(String message) {
        return new UnsupportedModelException(source + ": " + message);
    }
}
