package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.greenai.core.UnsupportedModelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes whole transformer layers from a graph, so the residual stream skips them, and deletes their
 * nodes and weights, now unused.
 *
 * <ul>
 *   <li>Plain operators: each removed layer's output tensor is rewired to carry its input.</li>
 *   <li>Fused norms at the layer borders (ONNX Runtime's {@code SkipLayerNormalization} and kin): the
 *       norm node at the removed layer's input takes the scale, shift and epsilon of the norm node at
 *       its output, which belong to the next layer (or to the final norm), and the tensors of the output
 *       node are rewired to those of the input node.</li>
 *   <li>Key/value caches: a removed layer's past inputs and present outputs leave the graph; the
 *       others keep their names (so {@code past_0, past_2} remain when layer 1 of 3 goes). Exporters
 *       read the first cache's shape to find the past sequence length; such shape-only readers of a
 *       removed cache read the corresponding cache of the nearest kept layer instead.</li>
 * </ul>
 *
 * <p>Other graph inputs and outputs keep their names and shapes.
 */
public final class LayerRemoval {

    private LayerRemoval() {
    }

    /**
     * Removes layers from the graph under edit.
     *
     * @param editor the graph under edit
     * @param stack the stack discovered on the same graph
     * @param indices the layers to remove, distinct and in range
     * @throws IllegalArgumentException if an index is out of range or every layer would go
     * @throws UnsupportedModelException if a removed layer's cache is read by something other than a
     *     shape computation, or fused norms at its borders differ in kind
     */
    public static void remove(GraphEditor editor, TransformerStack stack, List<Integer> indices) {
        int count = stack.layers().size();
        if (indices.size() >= count) {
            throw new IllegalArgumentException("cannot remove " + indices.size() + " of " + count + " layers");
        }
        for (int index : indices) {
            if (index < 0 || index >= count) {
                throw new IllegalArgumentException("layer index " + index + " is out of range (0.." + (count - 1) + ")");
            }
        }
        // From the top down, so that a norm taken over from a removed layer's successor is already final.
        List<Integer> descending = indices.stream().sorted(java.util.Comparator.reverseOrder()).toList();
        for (int index : descending) {
            LayerBlock layer = stack.layers().get(index);
            if (layer.fusedStart() != null && layer.fusedEnd() != null) {
                removeFused(editor, layer);
            } else {
                editor.bypass(layer.output(), layer.input());
            }
        }
        for (int index : indices) {
            stack.layers().get(index).cache().presentOutputs().forEach(editor::removeOutput);
        }
        editor.removeDeadCode();
        Set<Integer> removed = new HashSet<>(indices);
        for (int index : indices) {
            List<String> past = stack.layers().get(index).cache().pastInputs();
            for (int slot = 0; slot < past.size(); slot++) {
                String cache = past.get(slot);
                List<NodeProto> readers = editor.readers(cache);
                if (!readers.isEmpty()) {
                    checkShapeOnly(editor, cache, readers);
                    editor.replaceReads(cache, replacement(editor, stack, removed, index, slot));
                }
                editor.removeInput(cache);
            }
        }
        editor.removeDeadCode();
    }

    /** Hands the removed layer's border norm over to its input border node and rewires around it. */
    private static void removeFused(GraphEditor editor, LayerBlock layer) {
        NodeProto begin = editor.producer(layer.fusedStart().normalized());
        NodeProto end = editor.producer(layer.fusedEnd().normalized());
        if (NormMatcher.isRms(begin) != NormMatcher.isRms(end)) {
            throw new UnsupportedModelException("layer " + layer.index() + ": the norms at its borders differ in kind ("
                    + GraphView.describe(begin) + ", " + GraphView.describe(end) + ")");
        }
        int[] to = NormMatcher.parameterSlots(begin);
        int[] from = NormMatcher.parameterSlots(end);
        String id = begin.getOutput(0);
        editor.setOptionalInput(id, to[0], end.getInput(from[0]));
        if (to[1] >= 0) {
            editor.setOptionalInput(id, to[1], from[1] >= 0 ? GraphView.input(end, from[1]) : "");
        }
        GraphView.attribute(end, "epsilon").ifPresent(epsilon -> editor.setAttribute(id, epsilon));
        Map<String, String> rewire = new LinkedHashMap<>();
        rewire.put(layer.fusedEnd().normalized(), layer.fusedStart().normalized());
        if (!layer.fusedEnd().residual().isEmpty()) {
            rewire.put(layer.fusedEnd().residual(), layer.fusedStart().residual());
        }
        editor.bypass(rewire);
    }

    /** A removed cache may still be read for its shape (the past sequence length), and for nothing else. */
    private static void checkShapeOnly(GraphEditor editor, String cache, List<NodeProto> readers) {
        for (NodeProto reader : readers) {
            if (reader.getOpType().equals("Shape")) {
                continue;
            }
            boolean shapeOnly = !reader.getOpType().equals("Identity") && reader.getOutputList().stream()
                    .allMatch(out -> {
                        List<NodeProto> next = editor.readers(out);
                        return !next.isEmpty() && next.stream().allMatch(n -> n.getOpType().equals("Shape"));
                    });
            if (!shapeOnly) {
                throw new UnsupportedModelException("the cache input '" + cache + "' of a removed layer is still read "
                        + "by node " + GraphView.describe(reader) + " for more than its shape");
            }
        }
    }

    /** The same cache slot of the nearest kept layer, which must declare the same shape. */
    private static String replacement(GraphEditor editor, TransformerStack stack, Set<Integer> removed, int index,
            int slot) {
        String cache = stack.layers().get(index).cache().pastInputs().get(slot);
        for (int distance = 1; distance < stack.layers().size(); distance++) {
            for (int candidate : new int[] {index + distance, index - distance}) {
                if (candidate < 0 || candidate >= stack.layers().size() || removed.contains(candidate)) {
                    continue;
                }
                List<String> past = stack.layers().get(candidate).cache().pastInputs();
                if (slot < past.size() && sameShape(editor.graphValue(cache), editor.graphValue(past.get(slot)))) {
                    return past.get(slot);
                }
            }
        }
        throw new UnsupportedModelException("the shape of cache input '" + cache + "' is read by the graph, and no "
                + "kept layer has a cache of the same declared shape to read it from instead");
    }

    private static boolean sameShape(ValueInfoProto a, ValueInfoProto b) {
        if (a == null || b == null) {
            return false;
        }
        TensorShapeProto x = a.getType().getTensorType().getShape();
        TensorShapeProto y = b.getType().getTensorType().getShape();
        if (x.getDimCount() != y.getDimCount()) {
            return false;
        }
        for (int i = 0; i < x.getDimCount(); i++) {
            if (x.getDim(i).hasDimValue() != y.getDim(i).hasDimValue()
                    || x.getDim(i).hasDimValue() && x.getDim(i).getDimValue() != y.getDim(i).getDimValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Lists the cache tensors a removal takes out of the graph.
     *
     * @param stack the stack
     * @param indices the layers to remove
     * @return the past inputs and present outputs of those layers
     */
    public static List<String> removedCaches(TransformerStack stack, List<Integer> indices) {
        List<String> names = new ArrayList<>();
        for (int index : indices) {
            names.addAll(stack.layers().get(index).cache().pastInputs());
            names.addAll(stack.layers().get(index).cache().presentOutputs());
        }
        return names;
    }
}
