package io.greenai.onnx.graph;

import io.greenai.core.ModelStructure;
import java.util.List;

/**
 * The transformer layers of a graph, input side first; consecutive layers share a residual-stream
 * tensor ({@code layers.get(i).output()} is {@code layers.get(i + 1).input()}).
 *
 * @param hiddenSize width of the residual stream
 * @param layers the layers
 */
public record TransformerStack(int hiddenSize, List<LayerBlock> layers) {

    /** Copies the list. */
    public TransformerStack {
        layers = List.copyOf(layers);
    }

    /**
     * Returns the model-neutral structure.
     *
     * @return the structure
     */
    public ModelStructure structure() {
        String norm = layers.get(0).norm().name().toLowerCase(java.util.Locale.ROOT);
        return new ModelStructure("transformer stack, " + norm + "-norm", hiddenSize,
                layers.stream().map(LayerBlock::info).toList());
    }

    /**
     * Returns the residual-stream tensors at the layer borders: the first layer's input, then each
     * layer's output.
     *
     * @return {@code layerCount + 1} tensor names
     */
    public List<String> boundaries() {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        names.add(layers.get(0).input());
        layers.forEach(layer -> names.add(layer.output()));
        return names;
    }
}
