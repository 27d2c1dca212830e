package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.greenai.core.UnsupportedModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Structured pruning: removes whole attention heads (their query, key and value columns and their
 * output-projection rows) and whole feed-forward neurons (an up-projection column, the gate column
 * of a gated block, and a down-projection row), so the result is a smaller dense model.
 *
 * <p>Every value that depends on the head count or the feed-forward width is rewritten with the
 * weights: Reshape shapes (constant or a Concat of constants; parts computed from a tensor's own
 * shape adapt by themselves), {@code Split} sizes of packed projections, the {@code num_heads} and
 * {@code kv_num_heads} attributes of ONNX Runtime's fused attention and rotary nodes, per-head score
 * biases (T5's relative position bias, sliced with a {@code Gather}), and the head dimension declared
 * for key/value cache inputs and outputs. With grouped-query attention whole groups go: a key/value
 * head with all the query heads that share it. What cannot be proven stops the edit with an
 * {@link UnsupportedModelException} naming the node or tensor.
 *
 * <p>A bias shared by several layers (exporters deduplicate equal tensors) is copied for the layer
 * being pruned; a shared 2-D weight (tied layers) is refused, since untying it would grow the model.
 */
public final class MatrixPruning {

    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Erf", "Tanh",
            "Sigmoid", "Relu", "Gelu", "FastGelu", "BiasGelu", "QuickGelu", "Cast", "Sqrt", "Neg", "Exp", "Log",
            "Softplus", "Identity", "Abs", "Clip", "Max", "Min");
    private static final Set<String> LAYOUT = Set.of("Transpose", "Reshape", "Cast", "Identity", "Dropout");
    private static final Set<String> SHAPE_ARITHMETIC = Set.of("Shape", "Gather", "Slice", "Squeeze", "Unsqueeze",
            "Concat", "Cast", "Mul", "Div", "Add", "Sub", "Identity");
    private static final Set<String> SCORE_OPS = Set.of("Add", "Sub", "Mul", "Div", "Where", "Cast", "Clip", "Max",
            "Min");

    /**
     * What to keep in one layer.
     *
     * @param layer the layer index in the stack
     * @param keptHeads query heads to keep, ascending, at least one; with grouped-query attention,
     *     whole groups
     * @param keptNeurons feed-forward neurons to keep, ascending, at least one
     */
    public record LayerChoice(int layer, int[] keptHeads, int[] keptNeurons) {
    }

    private final GraphEditor editor;
    private final GraphView view;
    private final ProjectionMatcher projections;

    private MatrixPruning(GraphEditor editor, GraphView view) {
        this.editor = editor;
        this.view = view;
        this.projections = new ProjectionMatcher(view);
    }

    /**
     * Prunes the layers of a graph under edit.
     *
     * @param editor the graph under edit
     * @param view a view of the same graph before this edit
     * @param stack the stack discovered on that graph
     * @param choices what to keep, per layer; layers without a choice stay whole
     * @throws IllegalArgumentException if a choice keeps nothing, names a head or neuron out of range, or
     *     splits a group of grouped-query attention
     * @throws UnsupportedModelException if a shape or weight cannot be edited safely, naming it
     */
    public static void prune(GraphEditor editor, GraphView view, TransformerStack stack, List<LayerChoice> choices) {
        MatrixPruning pruning = new MatrixPruning(editor, view);
        editor.forgetIntermediateShapes();
        for (LayerChoice choice : choices) {
            LayerBlock layer = stack.layers().get(choice.layer());
            check(choice.keptHeads(), layer.headCount(), "head", choice.layer());
            check(choice.keptNeurons(), layer.ffnUp().outFeatures(), "neuron", choice.layer());
            checkGroups(choice.keptHeads(), layer.attention().groupSize(), choice.layer());
            if (choice.keptHeads().length < layer.headCount()) {
                pruning.pruneHeads(layer, choice.keptHeads());
            }
            if (choice.keptNeurons().length < layer.ffnUp().outFeatures()) {
                pruning.pruneNeurons(layer, choice.keptNeurons());
            }
        }
    }

    private static void check(int[] kept, int count, String what, int layer) {
        if (kept.length == 0) {
            throw new IllegalArgumentException("layer " + layer + " would keep no " + what
                    + ": at least one must stay");
        }
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] < 0 || kept[i] >= count || (i > 0 && kept[i] <= kept[i - 1])) {
                throw new IllegalArgumentException("layer " + layer + ": kept " + what + " indices must be ascending in [0, "
                        + count + "): " + Arrays.toString(kept));
            }
        }
    }

    private static void checkGroups(int[] kept, int groupSize, int layer) {
        Set<Integer> heads = new HashSet<>();
        Arrays.stream(kept).forEach(heads::add);
        for (int head : kept) {
            int first = head / groupSize * groupSize;
            for (int h = first; h < first + groupSize; h++) {
                if (!heads.contains(h)) {
                    throw new IllegalArgumentException("layer " + layer + ": grouped-query attention shares each "
                            + "key/value head among " + groupSize + " query heads, so heads go in whole groups; kept "
                            + Arrays.toString(kept) + " splits the group of head " + head);
                }
            }
        }
    }

    private static int[] features(int[] units, int width) {
        int[] features = new int[units.length * width];
        for (int u = 0; u < units.length; u++) {
            for (int i = 0; i < width; i++) {
                features[u * width + i] = units[u] * width + i;
            }
        }
        return features;
    }

    private void pruneHeads(LayerBlock layer, int[] keptHeads) {
        AttentionBlock attention = layer.attention();
        String where = "layer " + layer.index();
        int headSize = attention.headSize();
        int[] keptGroups = Arrays.stream(keptHeads).map(h -> h / attention.groupSize()).distinct().toArray();
        int[] queryFeatures = features(keptHeads, headSize);
        int[] kvFeatures = features(keptGroups, headSize);
        Map<Projection, int[]> kept = new LinkedHashMap<>();
        kept.put(attention.query(), queryFeatures);
        kept.put(attention.key(), kvFeatures);
        kept.put(attention.value(), kvFeatures);
        keepProjectionOutputs(kept, where);
        NodeProto anchor = anchor(attention);
        switch (attention.kind()) {
            case PLAIN -> {
                for (Projection projection : kept.keySet()) {
                    rewriteShape(reshapeBelow(projection.output(), where), 2, keptHeads.length, attention.headCount(),
                            where);
                }
                mergeReshape(layer, queryFeatures.length, where);
            }
            case ORT_ATTENTION -> {
                editor.setAttribute(anchor.getOutput(0), Attributes.ofInt("num_heads", keptHeads.length));
                if (GraphView.attribute(anchor, "qkv_hidden_sizes").isPresent()) {
                    long width = queryFeatures.length;
                    editor.setAttribute(anchor.getOutput(0), Attributes.ofInts("qkv_hidden_sizes", width, width, width));
                }
            }
            case ORT_MULTI_HEAD, ORT_GROUP_QUERY -> {
                editor.setAttribute(anchor.getOutput(0), Attributes.ofInt("num_heads", keptHeads.length));
                if (attention.kind() == AttentionKind.ORT_GROUP_QUERY) {
                    editor.setAttribute(anchor.getOutput(0), Attributes.ofInt("kv_num_heads", keptGroups.length));
                }
                rewriteRotaryHeads(anchor, 0, keptHeads.length, where);
                rewriteRotaryHeads(anchor, 1, keptGroups.length, where);
            }
            default -> throw new IllegalStateException(attention.kind().toString());
        }
        if (attention.scoreBias() != null) {
            sliceScoreBias(attention, keptHeads, where);
        }
        keepInputs(attention.output(), queryFeatures, where);
        for (String cache : attention.cache().pastInputs()) {
            setHeadDimension(cache, keptGroups.length, attention.kvHeadCount());
        }
        for (String cache : attention.cache().presentOutputs()) {
            setHeadDimension(cache, keptGroups.length, attention.kvHeadCount());
        }
    }

    /**
     * Keeps output features of the query, key and value projections; slices of one packed weight are
     * cut together, and the Split that separates them gets the new sizes.
     */
    private void keepProjectionOutputs(Map<Projection, int[]> kept, String where) {
        Map<String, List<Projection>> byWeight = new LinkedHashMap<>();
        kept.keySet().forEach(p -> byWeight.computeIfAbsent(p.weight(), w -> new ArrayList<>()).add(p));
        for (List<Projection> group : byWeight.values()) {
            Projection first = group.get(0);
            TensorProto weight = editor.initializer(first.weight());
            int columns = (int) weight.getDims(first.transposed() ? 0 : 1);
            TreeSet<Integer> keep = new TreeSet<>();
            int covered = 0;
            for (Projection projection : group) {
                for (int feature : kept.get(projection)) {
                    keep.add(projection.offset() + feature);
                }
                covered += projection.outFeatures();
            }
            if (covered != columns) {
                throw new UnsupportedModelException(where + ": weight '" + first.weight() + "' has " + columns
                        + " columns, of which the attention's projections use " + covered);
            }
            int[] columnsKept = keep.stream().mapToInt(Integer::intValue).toArray();
            keepOutputs(first, columnsKept, where);
            if (group.size() > 1 && view.producer(first.output()) != null
                    && view.producer(first.output()).getOpType().equals("Split")) {
                NodeProto split = view.producer(first.output());
                long[] sizes = new long[split.getOutputCount()];
                for (int i = 0; i < sizes.length; i++) {
                    String out = split.getOutput(i);
                    Projection part = group.stream().filter(p -> p.output().equals(out)).findFirst()
                            .orElseThrow(() -> new UnsupportedModelException(where + ": Split "
                                    + GraphView.describe(split) + " has an output that is not a query, key or value"));
                    sizes[i] = kept.get(part).length;
                }
                rewriteSplit(split, sizes, where);
            }
        }
    }

    /** Sets a Split's sizes, in its attribute (opset < 13) or its constant input. */
    private void rewriteSplit(NodeProto split, long[] sizes, String where) {
        if (GraphView.attribute(split, "split").isPresent()) {
            editor.setAttribute(split.getOutput(0), Attributes.ofInts("split", sizes));
        } else if (split.getInputCount() > 1 && !split.getInput(1).isEmpty()) {
            if (!view.isConstant(split.getInput(1))) {
                throw new UnsupportedModelException(where + ": the sizes of Split " + GraphView.describe(split)
                        + " are computed, not constant");
            }
            editor.setInput(split.getOutput(0), 1, editor.addInitializer(split.getInput(1) + "/pruned", Tensors.int64Vector(sizes)));
        } else if (Arrays.stream(sizes).distinct().count() != 1) {
            throw new UnsupportedModelException(where + ": Split " + GraphView.describe(split)
                    + " splits evenly, but the pruned parts differ in width");
        }
    }

    /** RotaryEmbedding nodes between a projection and the fused attention input carry a head count. */
    private void rewriteRotaryHeads(NodeProto anchor, int input, int heads, String where) {
        String current = GraphView.input(anchor, input);
        for (int depth = 0; depth < 6 && !current.isEmpty(); depth++) {
            NodeProto producer = view.producer(current);
            if (producer == null) {
                return;
            }
            if (ProjectionMatcher.ROTARY_OPS.contains(producer.getOpType())) {
                if (GraphView.intAttribute(producer, "num_heads", 0) > 0) {
                    editor.setAttribute(producer.getOutput(0), Attributes.ofInt("num_heads", heads));
                }
            } else if (!LAYOUT.contains(producer.getOpType())) {
                return;
            }
            current = producer.getInput(0);
        }
    }

    /** Inserts {@code Gather(bias, keptHeads, axis=1)} in front of the layer's use of a shared score bias. */
    private void sliceScoreBias(AttentionBlock attention, int[] keptHeads, String where) {
        NodeProto anchor = anchor(attention);
        NodeProto reader = null;
        Deque<String> pending = new ArrayDeque<>();
        if (anchor.getOpType().equals("Softmax")) {
            pending.add(anchor.getInput(0));
        } else {
            reader = anchor;
        }
        for (int depth = 0; depth < 16 && reader == null && !pending.isEmpty(); depth++) {
            NodeProto producer = view.producer(pending.poll());
            if (producer == null || !SCORE_OPS.contains(producer.getOpType())) {
                continue;
            }
            if (producer.getInputList().contains(attention.scoreBias())) {
                reader = producer;
            } else {
                producer.getInputList().stream().filter(i -> !i.isEmpty()).forEach(pending::add);
            }
        }
        if (reader == null) {
            throw new UnsupportedModelException(where + ": cannot find where the score bias '" + attention.scoreBias()
                    + "' is added");
        }
        long[] heads = Arrays.stream(keptHeads).asLongStream().toArray();
        String indices = editor.addInitializer(attention.scoreBias() + "/kept_heads", Tensors.int64Vector(heads));
        String sliced = editor.uniqueName(attention.scoreBias() + "/pruned");
        NodeProto gather = NodeProto.newBuilder().setOpType("Gather").setName(editor.uniqueName("greenai/prune/"
                + sliced)).addInput(attention.scoreBias()).addInput(indices).addOutput(sliced)
                .addAttribute(Attributes.ofInt("axis", 1)).build();
        editor.insertBefore(gather, reader.getOutput(0));
        for (int i = 0; i < reader.getInputCount(); i++) {
            if (reader.getInput(i).equals(attention.scoreBias())) {
                editor.setInput(reader.getOutput(0), i, sliced);
            }
        }
    }

    /** Sets the head axis (1 of [b, heads, s, d]; 2 of [2, b, heads, s, d]) of a cache input or output. */
    private void setHeadDimension(String cache, int heads, int expected) {
        ValueInfoProto info = view.graphValue(cache).orElse(null);
        if (info == null) {
            return;
        }
        var shape = info.getType().getTensorType().getShape();
        int axis = shape.getDimCount() == 5 ? 2 : 1;
        if (shape.getDimCount() > axis && shape.getDim(axis).hasDimValue()
                && shape.getDim(axis).getDimValue() == expected) {
            editor.setDimension(cache, axis, heads);
        }
    }

    /** The Reshape that merges heads before the output projection, unless its shape adapts by itself. */
    private void mergeReshape(LayerBlock layer, int width, String where) {
        NodeProto merge = view.producer(layer.attentionOutput().input());
        while (merge != null && !merge.getOpType().equals("Reshape") && LAYOUT.contains(merge.getOpType())) {
            merge = view.producer(merge.getInput(0));
        }
        if (merge == null || !merge.getOpType().equals("Reshape")) {
            throw new UnsupportedModelException(where + ": no Reshape merges the heads before the attention output "
                    + "projection '" + layer.attentionOutput().node() + "'");
        }
        rewriteShape(merge, 1, width, layer.headCount() * layer.headSize(), where);
    }

    private void pruneNeurons(LayerBlock layer, int[] keptNeurons) {
        String where = "layer " + layer.index();
        List<String> vectors = checkElementwise(layer, where);
        keepOutputs(layer.ffnUp(), keptNeurons, false, where);
        if (layer.ffnGate() != null) {
            keepOutputs(layer.ffnGate(), keptNeurons, false, where);
        }
        int width = layer.ffnUp().outFeatures();
        for (NodeProto node : activationNodes(layer)) {
            if (node.getOpType().equals("Reshape")) {
                long[] shape = view.integerValues(node.getInput(1)).orElse(null);
                if (shape != null && shape.length > 0 && shape[shape.length - 1] == width) {
                    rewriteShape(node, 1, keptNeurons.length, width, where);
                }
            }
        }
        for (String vector : vectors) {
            NodeProto reader = view.consumers(vector).stream()
                    .filter(n -> activationNodes(layer).contains(n)).findFirst().orElseThrow();
            replaceOwned(WeightMatrix.keepElements(editor.initializer(vector), keptNeurons), vector, reader, where);
        }
        keepInputs(layer.ffnDown(), keptNeurons, where);
    }

    /** The nodes between the up (and gate) projections and the down projection. */
    private Set<NodeProto> activationNodes(LayerBlock layer) {
        Set<NodeProto> nodes = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Set<String> stops = new HashSet<>(List.of(layer.ffnUp().output()));
        if (layer.ffnGate() != null) {
            stops.add(layer.ffnGate().output());
        }
        Deque<String> pending = new ArrayDeque<>(List.of(layer.ffnDown().input()));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String tensor = pending.poll();
            if (stops.contains(tensor) || !seen.add(tensor)) {
                continue;
            }
            NodeProto node = view.producer(tensor);
            if (node == null || !nodes.add(node)) {
                continue;
            }
            List<String> data = node.getOpType().equals("Reshape") ? List.of(node.getInput(0)) : node.getInputList();
            data.stream().filter(i -> !i.isEmpty() && !view.isConstant(i)).forEach(pending::add);
        }
        return nodes;
    }

    /**
     * The activation between up and down projection must act element by element, or neurons interact.
     * Reshapes that only flatten or restore the leading axes are allowed.
     *
     * @return constant vectors with one value per neuron read by the activation (a fused bias)
     */
    private List<String> checkElementwise(LayerBlock layer, String where) {
        int width = layer.ffnUp().outFeatures();
        List<String> vectors = new ArrayList<>();
        for (NodeProto node : activationNodes(layer)) {
            if (node.getOpType().equals("Reshape")) {
                long[] shape = view.integerValues(node.getInput(1)).orElse(null);
                long last = shape == null || shape.length == 0 ? Long.MIN_VALUE : shape[shape.length - 1];
                if (last != width && last != -1 && !shapeDerived(node.getInput(1))) {
                    throw new UnsupportedModelException(where + ": the feed-forward activation contains "
                            + GraphView.describe(node) + ", which may mix neurons");
                }
                continue;
            }
            if (!ELEMENTWISE.contains(node.getOpType())) {
                throw new UnsupportedModelException(where + ": the feed-forward activation contains "
                        + GraphView.describe(node) + ", which is not element-wise: neurons cannot be removed "
                        + "independently");
            }
            for (String input : node.getInputList()) {
                var constant = view.constant(input);
                if (constant.isEmpty()) {
                    continue;
                }
                long count = Tensors.elementCount(constant.get());
                if (count == width && constant.get().getDimsCount() == 1 && view.initializer(input) != null) {
                    vectors.add(input);
                } else if (count != 1) {
                    throw new UnsupportedModelException(where + ": the feed-forward activation node "
                            + GraphView.describe(node) + " reads constant '" + input + "' of " + count
                            + " values, neither a scalar nor one per neuron");
                }
            }
        }
        return vectors;
    }

    private void keepOutputs(Projection projection, int[] features, String where) {
        keepOutputs(projection, features, true, where);
    }

    private void keepOutputs(Projection projection, int[] features, boolean reshapes, String where) {
        NodeProto reader = weightReader(projection);
        WeightMatrix weight = WeightMatrix.of(exclusive(projection.weight(), where), projection.transposed());
        int oldWidth = weight.out();
        editor.replaceInitializer(weight.keepColumns(features));
        if (projection.bias() != null) {
            NodeProto biasReader = biasReader(projection);
            replaceOwned(WeightMatrix.keepElements(editor.initializer(projection.bias()), features), projection.bias(),
                    biasReader, where);
        }
        if (!reshapes) {
            return;
        }
        // Reshapes that restore [batch, sequence, width] after a Gemm carry the width.
        String out = wholeOutput(projection, reader);
        for (NodeProto user : view.consumers(out)) {
            if (user.getOpType().equals("Reshape") && user.getInput(0).equals(out)) {
                long[] shape = view.integerValues(user.getInput(1)).orElse(null);
                if (shape != null && shape.length <= 3 && shape[shape.length - 1] == oldWidth) {
                    rewriteShape(user, 1, features.length, oldWidth, where);
                }
            }
        }
    }

    private void keepInputs(Projection projection, int[] features, String where) {
        WeightMatrix weight = WeightMatrix.of(exclusive(projection.weight(), where), projection.transposed());
        editor.replaceInitializer(weight.keepRows(features));
    }

    /** The node that reads a projection's weight. */
    private NodeProto weightReader(Projection projection) {
        List<NodeProto> readers = view.consumers(projection.weight());
        return readers.stream().filter(n -> n.getName().equals(projection.node())).findFirst()
                .orElse(readers.isEmpty() ? null : readers.get(0));
    }

    /** The node that reads a projection's bias: the Gemm or fused node itself, or the Add after a MatMul. */
    private NodeProto biasReader(Projection projection) {
        NodeProto reader = weightReader(projection);
        for (NodeProto node : view.consumers(projection.bias())) {
            if (node == reader || node.getInputList().stream().anyMatch(i -> reader != null
                    && reader.getOutputList().contains(i))) {
                return node;
            }
        }
        throw new UnsupportedModelException("cannot find the node that adds bias '" + projection.bias() + "'");
    }

    /** The tensor a projection's MatMul or Gemm (and bias Add) yields, before any Split or Reshape. */
    private String wholeOutput(Projection projection, NodeProto reader) {
        if (reader == null) {
            return projection.output();
        }
        String out = reader.getOutput(0);
        if (projection.bias() != null && reader.getOpType().equals("MatMul")) {
            for (NodeProto add : view.consumers(out)) {
                if (add.getOpType().equals("Add") && add.getInputList().contains(projection.bias())) {
                    return add.getOutput(0);
                }
            }
        }
        return out;
    }

    /** Returns the initializer, refusing 2-D weights that other nodes share (tied weights). */
    private TensorProto exclusive(String name, String where) {
        List<NodeProto> readers = view.consumers(name);
        if (readers.size() != 1) {
            throw new UnsupportedModelException(where + ": weight '" + name + "' is read by " + readers.size()
                    + " nodes; pruning shared weights is not supported");
        }
        return editor.initializer(name);
    }

    /**
     * Puts a sliced vector in place of {@code name} for {@code reader}: in place if only it reads the
     * vector, otherwise as a copy that only it reads (exporters share equal biases between layers).
     */
    private void replaceOwned(TensorProto sliced, String name, NodeProto reader, String where) {
        if (view.consumers(name).size() == 1) {
            editor.replaceInitializer(sliced);
            return;
        }
        String copy = editor.addInitializer(name + "/pruned", sliced);
        NodeProto current = editor.producer(reader.getOutput(0));
        for (int i = 0; i < current.getInputCount(); i++) {
            if (current.getInput(i).equals(name)) {
                editor.setInput(current.getOutput(0), i, copy);
            }
        }
    }

    private NodeProto anchor(AttentionBlock attention) {
        NodeProto node = view.producer(attention.anchorOutput());
        if (node == null) {
            throw new IllegalStateException("no node produces '" + attention.anchorOutput() + "', the output of "
                    + "attention node '" + attention.anchor() + "'");
        }
        return node;
    }

    private NodeProto reshapeBelow(String tensor, String where) {
        String current = tensor;
        for (int depth = 0; depth < 6; depth++) {
            List<NodeProto> users = projections.usersIgnoringShape(current);
            if (users.size() != 1) {
                break;
            }
            NodeProto user = users.get(0);
            if (user.getOpType().equals("Reshape")) {
                return user;
            }
            if (!LAYOUT.contains(user.getOpType())) {
                break;
            }
            current = user.getOutput(0);
        }
        throw new UnsupportedModelException(where + ": no Reshape splits '" + tensor + "' into heads");
    }

    /**
     * Sets the value at {@code fromEnd} places before the end of a Reshape's target shape (1 = last)
     * to {@code value}, where it was {@code expected}; leaves 0 and -1 (inferred sizes) and parts
     * computed from shapes alone (which adapt to the pruned tensors) as they are.
     */
    private void rewriteShape(NodeProto reshape, int fromEnd, int value, int expected, String where) {
        String shapeTensor = reshape.getInput(1);
        long[] shape = view.integerValues(shapeTensor).orElse(null);
        if (shape == null) {
            if (shapeDerived(shapeTensor)) {
                return;
            }
            throw unproven(reshape, where, shapeTensor);
        }
        int position = shape.length - fromEnd;
        if (position < 0) {
            throw unproven(reshape, where, shapeTensor);
        }
        long current = shape[position];
        if (current == -1 || current == 0) {
            return;
        }
        if (current == Long.MIN_VALUE) {
            String part = concatPart(reshape, shapeTensor, position);
            if (part != null && shapeDerived(part)) {
                return;
            }
            throw unproven(reshape, where, part == null ? shapeTensor : part);
        }
        if (current != expected) {
            throw new UnsupportedModelException(where + ": Reshape " + GraphView.describe(reshape) + " has "
                    + current + " at the place of the head layout, expected " + expected);
        }
        if (view.isConstant(shapeTensor)) {
            shape[position] = value;
            editor.setInput(reshape.getOutput(0), 1, editor.addInitializer(shapeTensor + "/pruned", Tensors.int64Vector(shape)));
            return;
        }
        NodeProto concat = view.producer(shapeTensor);
        if (concat == null || !concat.getOpType().equals("Concat")) {
            throw unproven(reshape, where, shapeTensor);
        }
        int offset = 0;
        for (int i = 0; i < concat.getInputCount(); i++) {
            String part = concat.getInput(i);
            long[] values = view.integerValues(part).orElse(new long[] {Long.MIN_VALUE});
            if (position < offset + values.length) {
                if (!view.isConstant(part)) {
                    throw unproven(reshape, where, part);
                }
                values = values.clone();
                values[position - offset] = value;
                TensorProto original = view.constant(part).orElseThrow();
                TensorProto replacement = Tensors.int64Vector(values).toBuilder().clearDims().addAllDims(original.getDimsList())
                        .build();
                editor.setInput(concat.getOutput(0), i, editor.addInitializer(part + "/pruned", replacement));
                return;
            }
            offset += values.length;
        }
        throw unproven(reshape, where, shapeTensor);
    }

    /** The Concat input that holds a position of a Reshape's shape, or null. */
    private String concatPart(NodeProto reshape, String shapeTensor, int position) {
        NodeProto concat = view.producer(shapeTensor);
        if (concat == null || !concat.getOpType().equals("Concat")) {
            return null;
        }
        int offset = 0;
        for (String part : concat.getInputList()) {
            int length = view.integerValues(part).map(v -> v.length).orElse(1);
            if (position < offset + length) {
                return part;
            }
            offset += length;
        }
        return null;
    }

    /** Whether a value is computed from tensor shapes and constants only (so it follows pruned shapes). */
    private boolean shapeDerived(String tensor) {
        Deque<String> pending = new ArrayDeque<>(List.of(tensor));
        Set<String> seen = new HashSet<>();
        boolean sawShape = false;
        while (!pending.isEmpty()) {
            String current = pending.poll();
            if (!seen.add(current) || view.isConstant(current)) {
                continue;
            }
            NodeProto producer = view.producer(current);
            if (producer == null || !SHAPE_ARITHMETIC.contains(producer.getOpType()) || seen.size() > 64) {
                return false;
            }
            if (producer.getOpType().equals("Shape")) {
                sawShape = true;
                continue;
            }
            producer.getInputList().stream().filter(i -> !i.isEmpty()).forEach(pending::add);
        }
        return sawShape;
    }

    private static UnsupportedModelException unproven(NodeProto reshape, String where, String tensor) {
        return new UnsupportedModelException(where + ": cannot prove the head layout of Reshape "
                + GraphView.describe(reshape) + ": its shape part '" + tensor + "' is not a constant");
    }

    /**
     * Lists the kept indices for keeping {@code count - remove} of {@code count} units with the highest
     * scores.
     *
     * @param scores one score per unit (head or neuron)
     * @param remove how many to remove; at least one unit always stays
     * @return kept indices, ascending
     */
    public static int[] keepHighest(double[] scores, int remove) {
        int keep = Math.max(1, scores.length - Math.max(0, remove));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        return order.subList(0, keep).stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
