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
 * Structured pruning: removes whole attention heads (their query, key and value columns and their
 * output-projection rows) and whole feed-forward neurons (an up-projection column and a
 * down-projection row), so the result is a smaller dense model. Every shape that depends on the
 * head count (the head split and merge Reshapes, constant or computed by Concat) is rewritten, or
 * the edit stops with an {@link UnsupportedModelException} naming the node it cannot prove.
 */
public final class MatrixPruning {

    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Erf", "Tanh",
            "Sigmoid", "Relu", "Gelu", "FastGelu", "BiasGelu", "Cast", "Sqrt", "Neg", "Exp", "Log", "Softplus",
            "Identity", "Abs", "Clip", "Max", "Min");
    private static final Set<String> LAYOUT = Set.of("Transpose", "Reshape", "Cast", "Identity", "Dropout");

    /**
     * What to keep in one layer.
     *
     * @param layer the layer index in the stack
     * @param keptHeads heads to keep, ascending, at least one
     * @param keptNeurons feed-forward neurons to keep, ascending, at least one
     */
    public record LayerChoice(int layer, int[] keptHeads, int[] keptNeurons) {
    }

    private final GraphEditor editor;
    private final GraphView view;

    private MatrixPruning(GraphEditor editor, GraphView view) {
        this.editor = editor;
        this.view = view;
    }

    /**
     * Prunes the layers of a graph under edit.
     *
     * @param editor the graph under edit
     * @param view a view of the same graph before this edit
     * @param stack the stack discovered on that graph
     * @param choices what to keep, per layer; layers without a choice stay whole
     * @throws IllegalArgumentException if a choice keeps nothing or names a head or neuron out of range
     * @throws UnsupportedModelException if a shape or weight cannot be edited safely, naming it
     */
    public static void prune(GraphEditor editor, GraphView view, TransformerStack stack, List<LayerChoice> choices) {
        MatrixPruning pruning = new MatrixPruning(editor, view);
        for (LayerChoice choice : choices) {
            LayerBlock layer = stack.layers().get(choice.layer());
            check(choice.keptHeads(), layer.headCount(), "head", choice.layer());
            check(choice.keptNeurons(), layer.ffnUp().outFeatures(), "neuron", choice.layer());
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
                        + count + "): " + java.util.Arrays.toString(kept));
            }
        }
    }

    private void pruneHeads(LayerBlock layer, int[] keptHeads) {
        int headSize = layer.headSize();
        int[] features = new int[keptHeads.length * headSize];
        for (int h = 0; h < keptHeads.length; h++) {
            for (int i = 0; i < headSize; i++) {
                features[h * headSize + i] = keptHeads[h] * headSize + i;
            }
        }
        String where = "layer " + layer.index();
        for (Projection projection : List.of(layer.query(), layer.key(), layer.value())) {
            keepOutputs(projection, features, where);
            NodeProto split = reshapeBelow(projection.output(), where);
            rewriteShape(split, 2, keptHeads.length, layer.headCount(), where);
        }
        keepInputs(layer.attentionOutput(), features, where);
        NodeProto merge = view.producer(layer.attentionOutput().input());
        while (merge != null && !merge.getOpType().equals("Reshape") && LAYOUT.contains(merge.getOpType())) {
            merge = view.producer(merge.getInput(0));
        }
        if (merge == null || !merge.getOpType().equals("Reshape")) {
            throw new UnsupportedModelException(where + ": no Reshape merges the heads before the attention output "
                    + "projection '" + layer.attentionOutput().node() + "'");
        }
        rewriteShape(merge, 1, features.length, layer.headCount() * headSize, where);
    }

    private void pruneNeurons(LayerBlock layer, int[] keptNeurons) {
        String where = "layer " + layer.index();
        checkElementwise(layer, where);
        keepOutputs(layer.ffnUp(), keptNeurons, where);
        keepInputs(layer.ffnDown(), keptNeurons, where);
    }

    /** The activation between up and down projection must act element by element, or neurons interact. */
    private void checkElementwise(LayerBlock layer, String where) {
        Deque<String> pending = new ArrayDeque<>(List.of(layer.ffnDown().input()));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String tensor = pending.poll();
            if (tensor.equals(layer.ffnUp().output()) || !seen.add(tensor)) {
                continue;
            }
            NodeProto node = view.producer(tensor);
            if (node == null || !ELEMENTWISE.contains(node.getOpType())) {
                throw new UnsupportedModelException(where + ": the feed-forward activation contains "
                        + (node == null ? "tensor '" + tensor + "'" : GraphView.describe(node))
                        + ", which is not element-wise: neurons cannot be removed independently");
            }
            for (String input : node.getInputList()) {
                var constant = view.constant(input);
                if (constant.isPresent()) {
                    if (Tensors.elementCount(constant.get()) != 1) {
                        throw new UnsupportedModelException(where + ": the feed-forward activation node "
                                + GraphView.describe(node) + " reads non-scalar constant '" + input + "'");
                    }
                } else if (!input.isEmpty()) {
                    pending.add(input);
                }
            }
        }
    }

    private void keepOutputs(Projection projection, int[] features, String where) {
        WeightMatrix weight = WeightMatrix.of(exclusive(projection.weight(), where), projection.transposed());
        editor.replaceInitializer(weight.keepColumns(features));
        if (projection.bias() != null) {
            editor.replaceInitializer(WeightMatrix.keepElements(exclusive(projection.bias(), where), features));
        }
    }

    private void keepInputs(Projection projection, int[] features, String where) {
        WeightMatrix weight = WeightMatrix.of(exclusive(projection.weight(), where), projection.transposed());
        editor.replaceInitializer(weight.keepRows(features));
    }

    /** Returns the initializer, refusing weights that other nodes share (tied weights). */
    private TensorProto exclusive(String name, String where) {
        List<NodeProto> readers = view.consumers(name);
        if (readers.size() != 1) {
            throw new UnsupportedModelException(where + ": weight '" + name + "' is read by " + readers.size()
                    + " nodes; pruning shared weights is not supported");
        }
        return editor.initializer(name);
    }

    private NodeProto reshapeBelow(String tensor, String where) {
        String current = tensor;
        for (int depth = 0; depth < 6; depth++) {
            List<NodeProto> users = view.consumers(current).stream().filter(n -> !n.getOpType().equals("Shape"))
                    .toList();
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
     * to {@code value}, where it was {@code expected}; leaves 0 and -1 (inferred sizes) alone.
     */
    private void rewriteShape(NodeProto reshape, int fromEnd, int value, int expected, String where) {
        String shapeTensor = reshape.getInput(1);
        long[] shape = view.integerValues(shapeTensor).orElseThrow(() -> unproven(reshape, where, shapeTensor));
        int position = shape.length - fromEnd;
        if (position < 0) {
            throw unproven(reshape, where, shapeTensor);
        }
        long current = shape[position];
        if (current == -1 || current == 0) {
            return;
        }
        if (current != expected) {
            throw new UnsupportedModelException(where + ": Reshape " + GraphView.describe(reshape) + " has "
                    + current + " at the place of the head layout, expected " + expected);
        }
        if (view.isConstant(shapeTensor)) {
            shape[position] = value;
            editor.setInput(reshape.getOutput(0), 1, editor.addInitializer(shapeTensor + "/pruned", ints(shape)));
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
                TensorProto replacement = ints(values).toBuilder().clearDims().addAllDims(original.getDimsList())
                        .build();
                editor.setInput(concat.getOutput(0), i, editor.addInitializer(part + "/pruned", replacement));
                return;
            }
            offset += values.length;
        }
        throw unproven(reshape, where, shapeTensor);
    }

    private static UnsupportedModelException unproven(NodeProto reshape, String where, String tensor) {
        return new UnsupportedModelException(where + ": cannot prove the head layout of Reshape "
                + GraphView.describe(reshape) + ": its shape part '" + tensor + "' is not a constant");
    }

    private static TensorProto ints(long[] values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        return tensor.build();
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
