package io.greenai.onnx.graph;

import java.util.List;

/**
 * Removes whole transformer layers from a graph: each removed layer's output tensor is rewired to
 * carry its input, so the residual stream skips the layer, and the layer's nodes and weights, now
 * unused, are deleted. Graph inputs and outputs keep their names and shapes.
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
        for (int index : indices) {
            LayerBlock layer = stack.layers().get(index);
            editor.bypass(layer.output(), layer.input());
        }
        editor.removeDeadCode();
    }
}
