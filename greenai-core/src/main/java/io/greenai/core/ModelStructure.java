package io.greenai.core;

import java.util.List;
import java.util.Objects;

/**
 * The transformer layer stack of a model, as discovered from its graph.
 *
 * @param architecture a short description of the layout, e.g. {@code encoder (post-norm)}
 * @param hiddenSize width of the residual stream
 * @param layers the layers, input side first
 */
public record ModelStructure(String architecture, int hiddenSize, List<LayerInfo> layers) {

    /**
     * Copies the layer list and checks the values.
     *
     * @throws IllegalArgumentException if the hidden size is not positive or there are no layers
     */
    public ModelStructure {
        Objects.requireNonNull(architecture, "architecture");
        layers = List.copyOf(layers);
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hidden size must be positive: " + hiddenSize);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model structure needs at least one layer");
        }
    }

    /**
     * Returns the number of transformer layers.
     *
     * @return the layer count, at least 1
     */
    public int layerCount() {
        return layers.size();
    }

    /**
     * Renders the structure as a small text table, one row per layer.
     *
     * @return a multi-line description for logs and console output
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s, %d layers, hidden size %d%n", architecture, layerCount(), hiddenSize));
        out.append(String.format("%5s  %5s  %9s  %8s  %-10s  %s%n", "layer", "heads", "head size", "ffn size",
                "activation", "norm"));
        for (LayerInfo layer : layers) {
            out.append(String.format("%5d  %5d  %9d  %8d  %-10s  %s%n", layer.index(), layer.headCount(),
                    layer.headSize(), layer.ffnSize(), layer.activation(), layer.norm()));
        }
        return out.toString();
    }
}
