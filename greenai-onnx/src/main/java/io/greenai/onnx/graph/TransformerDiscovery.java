package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.greenai.core.NormPlacement;
import io.greenai.core.UnsupportedModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the stacks of transformer layers in an ONNX graph by its shape, not by node names.
 *
 * <p>Each attention block is anchored on a {@code Softmax} over query-key scores (plain operators)
 * or on an ONNX Runtime fused {@code Attention}, {@code MultiHeadAttention} or
 * {@code GroupQueryAttention} node (see {@link AttentionMatcher}). Around each block the search finds
 * the residual addition, a plain {@code Add} or a fused {@code SkipLayerNormalization} /
 * {@code SkipSimplifiedLayerNormalization}, and the norm: LayerNorm or RMSNorm, fused or decomposed
 * (see {@link NormMatcher}). A norm after the residual marks a post-norm layer (BERT); one before the
 * projections a pre-norm layer (GPT-2, LLaMA, T5). A layer is a self-attention block, optionally a
 * cross-attention block whose keys and values read another stack's output (T5's decoder), and a
 * feed-forward block: a down projection fed, through the activation, by an up projection (and a gate
 * projection in SwiGLU). Layers that share residual-stream tensors form a stack; a graph may hold
 * several (an encoder and a decoder).
 *
 * <p>Anything else stops discovery with an {@link UnsupportedModelException} that names the node
 * where the search stopped.
 */
public final class TransformerDiscovery {

    /** Fused operators GreenAI cannot edit safely: discovery names the first one it meets. */
    private static final Set<String> UNSUPPORTED_OPS = Set.of("QAttention", "DecoderAttention",
            "DecoderMaskedSelfAttention", "DecoderMaskedMultiHeadAttention", "PackedAttention",
            "PackedMultiHeadAttention", "LongformerAttention", "SparseAttention", "PagedAttention",
            "QOrderedAttention", "QOrderedLongformerAttention", "LinearAttention", "MoE", "QMoE", "BeamSearch",
            "GreedySearch", "Sampling", "WhisperBeamSearch", "GemmFastGelu", "MatMulNBitsQkv", "MatMulNBitsMlp",
            "MatMulInteger", "MatMulNBits", "DynamicQuantizeMatMul", "QLinearMatMul", "MatMulIntegerToFloat",
            "QGemm", "MatMulBnb4", "MatMulFpQ4");
    private static final int MAX_ACTIVATION_NODES = 24;
    private static final Set<String> NONLINEAR = Set.of("Sigmoid", "Erf", "Tanh", "Relu", "Gelu", "FastGelu",
            "BiasGelu", "QuickGelu", "Softplus", "Elu", "LeakyRelu", "HardSigmoid", "Mish");

    private final GraphView graph;
    private final String source;
    private final ProjectionMatcher projections;
    private final NormMatcher norms;
    private final AttentionMatcher attentions;

    private TransformerDiscovery(GraphView graph, String source) {
        this.graph = graph;
        this.source = source;
        this.projections = new ProjectionMatcher(graph);
        this.norms = new NormMatcher(graph);
        this.attentions = new AttentionMatcher(graph, projections, source);
    }

    /**
     * Discovers the main transformer stack of a graph: the only one, or the first of several (the
     * encoder of an encoder-decoder).
     *
     * @param graph the graph
     * @param source the model's name or file, for error messages
     * @return the stack, at least one layer
     * @throws UnsupportedModelException naming what is missing and the node where the search stopped
     */
    public static TransformerStack discover(GraphView graph, String source) {
        return discoverAll(graph, source).get(0);
    }

    /**
     * Discovers every transformer stack of a graph, in graph order.
     *
     * @param graph the graph
     * @param source the model's name or file, for error messages
     * @return the stacks, at least one, each of at least one layer, with distinct names
     * @throws UnsupportedModelException naming what is missing and the node where the search stopped
     */
    public static List<TransformerStack> discoverAll(GraphView graph, String source) {
        return new TransformerDiscovery(graph, source).discover();
    }

    /** What the residual around one attention block looks like. */
    private record Residual(String input, String next, String nextNormalized, NormPlacement norm,
            NormBoundary fusedStart) {
    }

    /** An attention block with its residual, before it is assigned to a layer. */
    private record Block(AttentionBlock attention, Residual residual, String where, int position) {
    }

    /** A feed-forward block. */
    private record FeedForward(Projection up, Projection gate, Projection down, String activation, String output,
            NormBoundary fusedEnd) {
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
        return producer == null ? null : new ProjectionMatcher(graph).at(producer);
    }

    private List<TransformerStack> discover() {
        rejectUnsupportedOps();
        List<NodeProto> anchors = graph.nodes().stream().filter(AttentionMatcher::isAnchor).toList();
        if (anchors.isEmpty()) {
            Set<String> fused = new LinkedHashSet<>();
            for (NodeProto node : graph.nodes()) {
                if (node.getDomain().equals("com.microsoft") || node.getOpType().contains("Attention")) {
                    fused.add(node.getOpType());
                }
            }
            throw unsupported("no transformer stack: the graph has no attention Softmax and no fused attention node "
                    + "(com.microsoft Attention, MultiHeadAttention, GroupQueryAttention)"
                    + (fused.isEmpty() ? "" : "; it has the fused operators " + fused));
        }
        List<Block> selfBlocks = new ArrayList<>();
        Map<String, Block> crossByInput = new HashMap<>();
        for (NodeProto anchor : anchors) {
            String where = "attention block " + GraphView.describe(anchor);
            AttentionBlock attention = attentions.match(anchor, where);
            Block block = new Block(attention, residual(attention, where), where, graph.position(anchor));
            if (attention.isCross()) {
                crossByInput.put(block.residual().input(), block);
            } else {
                selfBlocks.add(block);
            }
        }
        List<LayerBlock> layers = new ArrayList<>();
        Set<Block> usedCross = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Block self : selfBlocks) {
            layers.add(layer(self, crossByInput, usedCross));
        }
        for (Block cross : crossByInput.values()) {
            if (!usedCross.contains(cross)) {
                throw unsupported(cross.where() + ": a cross-attention block that follows no self-attention block "
                        + "(its residual input is '" + cross.residual().input() + "')");
            }
        }
        return stacks(layers);
    }

    private void rejectUnsupportedOps() {
        for (NodeProto node : graph.nodes()) {
            boolean onnxAttention = node.getOpType().equals("Attention") && !node.getDomain().equals("com.microsoft");
            if (UNSUPPORTED_OPS.contains(node.getOpType()) || onnxAttention) {
                throw unsupported("node " + GraphView.describe(node) + " cannot be placed: "
                        + (node.getOpType().contains("Integer") || node.getOpType().contains("NBits")
                                || node.getOpType().startsWith("Q") || node.getOpType().contains("Quantize")
                                ? "the graph is already quantized; compress the float model, then quantize it"
                                : "GreenAI does not edit " + (node.getDomain().isEmpty() ? "" : node.getDomain() + ".")
                                        + node.getOpType() + " nodes"));
            }
        }
    }

    /** Finds the residual addition after an attention block's output projection and its norm placement. */
    private Residual residual(AttentionBlock attention, String where) {
        String out = attention.output().output();
        String x = projections.source(attention.query().input());
        NodeProto fused = skipNormReading(out);
        if (fused != null) {
            String skip = NormMatcher.otherInput(twoInputs(fused), out);
            if (skip == null) {
                throw unsupported(where + ": the fused norm " + GraphView.describe(fused)
                        + " does not add the attention output to the residual stream");
            }
            if (skip.equals(x)) {
                return new Residual(skip, fused.getOutput(0), null, NormPlacement.POST, null);
            }
            NodeProto start = graph.producer(x);
            if (!NormMatcher.isFusedNorm(start) || !NormMatcher.residualOf(start).equals(skip)) {
                throw unsupported(where + ": the attention reads '" + x + "', which is neither the residual stream '"
                        + skip + "' nor the fused norm of it");
            }
            String sum = GraphView.output(fused, 3);
            if (sum.isEmpty()) {
                throw unsupported(where + ": the fused norm " + GraphView.describe(fused)
                        + " does not output the residual sum (output 3), so the stream cannot continue");
            }
            return new Residual(skip, sum, fused.getOutput(0), NormPlacement.PRE, new NormBoundary(x, skip));
        }
        NodeProto add = residualAdd(out);
        if (add == null) {
            throw unsupported(where + ": no residual Add after the attention output projection '"
                    + attention.output().node() + "'");
        }
        String skip = NormMatcher.otherInput(add, out);
        if (skip.equals(x)) {
            String normalized = norms.normAfter(add.getOutput(0)).orElseThrow(() -> unsupported(where
                    + ": no LayerNorm after the residual Add " + GraphView.describe(add)));
            return new Residual(skip, normalized, null, NormPlacement.POST, null);
        }
        String normalized = norms.normAfter(skip).orElse(null);
        if (normalized == null || !projections.source(normalized).equals(x) && !normalized.equals(x)) {
            throw unsupported(where + ": the attention reads '" + x + "', which is neither the residual input '" + skip
                    + "' nor its LayerNorm");
        }
        return new Residual(skip, add.getOutput(0), null, NormPlacement.PRE, null);
    }

    private LayerBlock layer(Block self, Map<String, Block> crossByInput, Set<Block> usedCross) {
        String where = self.where();
        Residual residual = self.residual();
        String stream = residual.next();
        String normalized = residual.nextNormalized();
        AttentionBlock cross = null;
        Block crossBlock = crossByInput.get(stream);
        if (crossBlock != null) {
            if (crossBlock.residual().norm() != residual.norm()) {
                throw unsupported(crossBlock.where() + " is " + crossBlock.residual().norm()
                        + "-norm but its self-attention is " + residual.norm() + "-norm");
            }
            usedCross.add(crossBlock);
            cross = crossBlock.attention();
            stream = crossBlock.residual().next();
            normalized = crossBlock.residual().nextNormalized();
        }
        FeedForward ffn = feedForward(stream, normalized, residual.norm(), where);
        AttentionBlock a = self.attention();
        return new LayerBlock(0, residual.input(), ffn.output(), a.anchor(), a.query(), a.key(), a.value(), a.output(),
                ffn.up(), ffn.down(), a.headCount(), a.headSize(), ffn.activation(), residual.norm(), a, cross,
                ffn.gate(), residual.fusedStart(), ffn.fusedEnd());
    }

    private FeedForward feedForward(String stream, String normalized, NormPlacement norm, String where) {
        NodeProto fused = normalized != null || norm == NormPlacement.POST ? skipNormReading(stream) : null;
        String ffnInput;
        String downOut;
        String output;
        NormBoundary fusedEnd = null;
        NodeProto end;
        if (fused != null) {
            end = fused;
            downOut = NormMatcher.otherInput(twoInputs(fused), stream);
            ffnInput = normalized != null ? normalized : stream;
            String sum = GraphView.output(fused, 3);
            if (normalized != null) {
                output = sum.isEmpty() ? fused.getOutput(0) : sum;
                fusedEnd = new NormBoundary(fused.getOutput(0), sum);
            } else {
                output = fused.getOutput(0);
            }
        } else {
            NodeProto add = residualAdd(stream);
            if (add == null) {
                throw unsupported(where + ": no feed-forward residual Add reading '" + stream + "'");
            }
            end = add;
            downOut = NormMatcher.otherInput(add, stream);
            if (norm == NormPlacement.POST) {
                ffnInput = stream;
                output = norms.normAfter(add.getOutput(0)).orElseThrow(() -> unsupported(where
                        + ": no LayerNorm after the feed-forward residual Add " + GraphView.describe(add)));
            } else {
                ffnInput = norms.normAfter(stream).orElseThrow(() -> unsupported(where
                        + ": no LayerNorm before the feed-forward block on '" + stream + "'"));
                output = add.getOutput(0);
            }
        }
        Projection down = downOut == null ? null : projections.above(downOut, null);
        if (down == null) {
            throw unsupported(where + ": no feed-forward down projection feeds the residual "
                    + GraphView.describe(end));
        }
        List<NodeProto> activationNodes = new ArrayList<>();
        List<Projection> inputs = inputProjections(down, activationNodes, where);
        Projection up;
        Projection gate = null;
        if (inputs.size() == 1) {
            up = inputs.get(0);
        } else if (inputs.size() == 2) {
            boolean firstGated = gated(inputs.get(0), activationNodes);
            boolean secondGated = gated(inputs.get(1), activationNodes);
            if (firstGated == secondGated) {
                throw unsupported(where + ": the feed-forward block has two input projections ('"
                        + inputs.get(0).node() + "', '" + inputs.get(1).node()
                        + "') and no single one passes through the activation");
            }
            gate = firstGated ? inputs.get(0) : inputs.get(1);
            up = firstGated ? inputs.get(1) : inputs.get(0);
            if (gate.outFeatures() != up.outFeatures()) {
                throw unsupported(where + ": the gate projection '" + gate.node() + "' is " + gate.outFeatures()
                        + " wide, the up projection '" + up.node() + "' " + up.outFeatures());
            }
        } else {
            throw unsupported(where + ": the feed-forward block has " + inputs.size() + " input projections "
                    + inputs.stream().map(Projection::node).toList());
        }
        for (Projection projection : gate == null ? List.of(up) : List.of(up, gate)) {
            if (!projections.source(projection.input()).equals(projections.source(ffnInput))) {
                throw unsupported(where + ": the feed-forward up projection '" + projection.node() + "' reads '"
                        + projection.input() + "', expected '" + ffnInput + "'");
            }
        }
        return new FeedForward(up, gate, down, activationName(activationNodes, gate != null), output, fusedEnd);
    }

    /** The fused skip norm that reads a tensor as its input or skip, or null. */
    private NodeProto skipNormReading(String tensor) {
        for (NodeProto user : graph.consumers(tensor)) {
            if (NormMatcher.SKIP_NORMS.contains(user.getOpType())
                    && (user.getInput(0).equals(tensor) || user.getInput(1).equals(tensor))) {
                return user;
            }
        }
        return null;
    }

    /** The node with only its first two inputs (a skip norm's input and skip), for otherInput. */
    private static NodeProto twoInputs(NodeProto node) {
        return node.toBuilder().clearInput().addInput(node.getInput(0)).addInput(node.getInput(1)).build();
    }

    /** The residual Add reading a tensor together with another computed tensor. */
    private NodeProto residualAdd(String tensor) {
        NodeProto found = null;
        for (NodeProto user : graph.consumers(tensor)) {
            if (user.getOpType().equals("Add") && user.getInputCount() == 2) {
                String other = NormMatcher.otherInput(user, tensor);
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

    /** Walks up from the down projection through the activation to the one or two input projections. */
    private List<Projection> inputProjections(Projection down, List<NodeProto> activationNodes, String where) {
        Set<NodeProto> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<String> pending = new ArrayDeque<>();
        pending.add(down.input());
        List<Projection> found = new ArrayList<>();
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
            Projection projection = projections.at(producer);
            if (projection != null) {
                if (found.stream().noneMatch(p -> p.node().equals(projection.node()))) {
                    found.add(projection);
                }
                continue;
            }
            activationNodes.add(producer);
            if (activationNodes.size() > MAX_ACTIVATION_NODES) {
                throw unsupported(where + ": no up projection within " + MAX_ACTIVATION_NODES
                        + " nodes above the feed-forward down projection '" + down.node() + "'");
            }
            // A Reshape's shape is computed from other shapes; only its data belongs to the activation.
            List<String> data = producer.getOpType().equals("Reshape") ? List.of(producer.getInput(0))
                    : producer.getInputList();
            for (String input : data) {
                if (!input.isEmpty() && !graph.isConstant(input)) {
                    pending.add(input);
                }
            }
        }
        if (found.isEmpty()) {
            throw unsupported(where + ": no up projection above the feed-forward down projection '" + down.node() + "'");
        }
        return found;
    }

    /** Whether a projection's output reaches a non-linearity within the activation nodes. */
    private boolean gated(Projection projection, List<NodeProto> activationNodes) {
        Set<String> reached = new HashSet<>(List.of(projection.output()));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (NodeProto node : activationNodes) {
                boolean reads = node.getInputList().stream().anyMatch(reached::contains);
                if (reads && NONLINEAR.contains(node.getOpType())) {
                    return true;
                }
                // A Mul of two computed tensors is the gating product itself: the gate stops there.
                boolean gating = node.getOpType().equals("Mul")
                        && node.getInputList().stream().noneMatch(graph::isConstant);
                if (reads && !gating && reached.addAll(node.getOutputList())) {
                    grew = true;
                }
            }
        }
        return false;
    }

    private static String activationName(List<NodeProto> nodes, boolean gated) {
        Set<String> ops = new LinkedHashSet<>();
        nodes.forEach(n -> ops.add(n.getOpType()));
        if (gated) {
            return ops.contains("Sigmoid") || ops.contains("Silu") ? "swiglu"
                    : ops.contains("Relu") ? "reglu" : "geglu";
        }
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

    /** Chains layers that share residual tensors into stacks and names them. */
    private List<TransformerStack> stacks(List<LayerBlock> layers) {
        Map<String, LayerBlock> byInput = new HashMap<>();
        Set<String> outputs = new HashSet<>();
        for (LayerBlock layer : layers) {
            LayerBlock previous = byInput.put(layer.input(), layer);
            if (previous != null) {
                throw unsupported("layers anchored at '" + previous.softmax() + "' and '" + layer.softmax()
                        + "' both read residual tensor '" + layer.input() + "': parallel blocks are not supported");
            }
            outputs.add(layer.output());
        }
        List<List<LayerBlock>> chains = new ArrayList<>();
        for (LayerBlock first : layers) {
            if (outputs.contains(first.input())) {
                continue;
            }
            List<LayerBlock> chain = new ArrayList<>();
            for (LayerBlock layer = first; layer != null; layer = byInput.get(layer.output())) {
                if (chain.contains(layer)) {
                    throw unsupported("the layers anchored at '" + layer.softmax() + "' form a cycle");
                }
                chain.add(layer.withIndex(chain.size()));
            }
            chains.add(chain);
        }
        int placed = chains.stream().mapToInt(List::size).sum();
        if (placed != layers.size()) {
            LayerBlock stray = layers.stream().filter(l -> chains.stream().flatMap(List::stream)
                    .noneMatch(c -> c.attention().anchorOutput().equals(l.attention().anchorOutput())))
                    .findFirst().orElseThrow();
            throw unsupported("layer anchored at '" + stray.softmax() + "' reads residual tensor '" + stray.input()
                    + "', which no chain of layers starts from: the layers do not form stacks");
        }
        List<TransformerStack> stacks = new ArrayList<>();
        List<String> names = names(chains);
        for (int s = 0; s < chains.size(); s++) {
            List<LayerBlock> chain = chains.get(s);
            for (int i = 1; i < chain.size(); i++) {
                if (chain.get(i).norm() != chain.get(i - 1).norm()) {
                    throw unsupported("layer " + i + " (anchored at '" + chain.get(i).softmax() + "') is "
                            + chain.get(i).norm() + "-norm but layer " + (i - 1) + " is " + chain.get(i - 1).norm()
                            + "-norm");
                }
            }
            int hidden = chain.get(0).query().inFeatures();
            stacks.add(new TransformerStack(hidden, chain, names.get(s), architecture(names.get(s), chain,
                    chains.size() == 1)));
        }
        return stacks;
    }

    /** Orders chains by graph position and names them encoder or decoder. */
    private List<String> names(List<List<LayerBlock>> chains) {
        chains.sort(java.util.Comparator.comparingInt(c -> graph.position(anchorNode(c.get(0)))));
        List<String> roles = new ArrayList<>();
        for (List<LayerBlock> chain : chains) {
            boolean decoder = chain.stream().anyMatch(l -> l.crossAttention() != null || l.cache().isPresent()
                    || GraphView.intAttribute(anchorNode(l), "unidirectional", 0) == 1);
            roles.add(decoder ? "decoder" : "encoder");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            String role = roles.get(i);
            long same = roles.stream().filter(role::equals).count();
            long before = roles.subList(0, i).stream().filter(role::equals).count();
            names.add(same == 1 || before == 0 ? role : role + "_" + before);
        }
        return names;
    }

    private NodeProto anchorNode(LayerBlock layer) {
        return graph.producer(layer.attention().anchorOutput());
    }

    private static String architecture(String name, List<LayerBlock> layers, boolean only) {
        LayerBlock first = layers.get(0);
        String norm = first.norm().name().toLowerCase(java.util.Locale.ROOT);
        boolean plainEncoder = first.attention().kind() == AttentionKind.PLAIN && !first.cache().isPresent()
                && first.crossAttention() == null && first.ffnGate() == null;
        if (only && plainEncoder && name.equals("encoder")) {
            return "transformer stack, " + norm + "-norm";
        }
        List<String> parts = new ArrayList<>(List.of(name, norm + "-norm"));
        parts.add(switch (first.attention().kind()) {
            case PLAIN -> "plain attention";
            case ORT_ATTENTION -> "ONNX Runtime Attention";
            case ORT_MULTI_HEAD -> "ONNX Runtime MultiHeadAttention";
            case ORT_GROUP_QUERY -> "ONNX Runtime GroupQueryAttention";
        });
        if (first.kvHeadCount() != first.headCount()) {
            parts.add("grouped-query");
        }
        if (first.ffnGate() != null) {
            parts.add("gated feed-forward");
        }
        if (first.crossAttention() != null) {
            parts.add("cross-attention");
        }
        if (first.cache().isPresent()) {
            parts.add("key/value cache");
        }
        return String.join(", ", parts);
    }

    private UnsupportedModelException unsupported(String message) {
        return new UnsupportedModelException(source + ": " + message);
    }
}
