package io.greenai.core;

import java.util.List;
import java.util.Objects;

/**
 * The transformer layer stacks of a model, as discovered from its graph. Most models have one
 * stack; an encoder-decoder (T5) has two. {@link #layers()} and {@link #hiddenSize()} describe the
 * main stack, the first in the graph (the encoder of an encoder-decoder), which is also the stack
 * that {@link Compressor#removeLayers(int)} works on.
 *
 * @param architecture a short description of the layout, e.g. {@code encoder (post-norm)}
 * @param hiddenSize width of the main stack's residual stream
 * @param layers the main stack's layers, input side first
 * @param stacks every stack, the main one first
 */
public record ModelStructure(String architecture, int hiddenSize, List<LayerInfo> layers, List<StackInfo> stacks) {

    /**
     * Copies the lists and checks the values.
     *
     * @throws IllegalArgumentException if the hidden size is not positive, there are no layers, the
     *     first stack is not the main one, or two stacks share a name
     */
    public ModelStructure {
        Objects.requireNonNull(architecture, "architecture");
        layers = List.copyOf(layers);
        stacks = List.copyOf(stacks);
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hidden size must be positive: " + hiddenSize);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model structure needs at least one layer");
        }
        if (stacks.isEmpty() || !stacks.get(0).layers().equals(layers) || stacks.get(0).hiddenSize() != hiddenSize) {
            throw new IllegalArgumentException("the first stack must be the main one (its layers and hidden size)");
        }
        if (stacks.stream().map(StackInfo::name).distinct().count() != stacks.size()) {
            throw new IllegalArgumentException("stack names repeat: " + stacks.stream().map(StackInfo::name).toList());
        }
    }

    /**
     * A structure with one stack, named {@code main}.
     *
     * @param architecture a short description of the layout
     * @param hiddenSize width of the residual stream
     * @param layers the layers, input side first
     * @throws IllegalArgumentException if the hidden size is not positive or there are no layers
     */
    public ModelStructure(String architecture, int hiddenSize, List<LayerInfo> layers) {
        this(architecture, hiddenSize, layers, List.of(new StackInfo("main", architecture, hiddenSize, layers)));
    }

    /**
     * Returns the number of layers in the main stack.
     *
     * @return the layer count, at least 1
     */
    public int layerCount() {
        return layers.size();
    }

    /**
     * Returns a stack by name.
     *
     * @param name the stack's name, e.g. {@code decoder}
     * @return the stack
     * @throws IllegalArgumentException if the model has no stack of that name, naming those it has
     */
    public StackInfo stack(String name) {
        return stacks.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer stack named '" + name + "'; the model has "
                        + stacks.stream().map(StackInfo::name).toList()));
    }

    /**
     * Renders the structure as a small text table, one row per layer (one table per stack when there
     * are several).
     *
     * @return a multi-line description for logs and console output
     */
    public String describe() {
        if (stacks.size() == 1) {
            return describe(architecture, hiddenSize, layers);
        }
        StringBuilder out = new StringBuilder();
        for (StackInfo stack : stacks) {
            out.append(describe("[" + stack.name() + "] " + stack.architecture(), stack.hiddenSize(), stack.layers()));
        }
        return out.toString();
    }

    private static String describe(String architecture, int hiddenSize, List<LayerInfo> layers) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s, %d layers, hidden size %d%n", architecture, layers.size(), hiddenSize));
        out.append(String.format("%5s  %5s  %9s  %8s  %-10s  %s%n", "layer", "heads", "head size", "ffn size",
                "activation", "norm"));
        for (LayerInfo layer : layers) {
            String extra = (layer.kvHeadCount() != layer.headCount() ? ", " + layer.kvHeadCount() + " kv heads" : "")
                    + (layer.crossAttention() ? ", cross-attention" : "");
            out.append(String.format("%5d  %5d  %9d  %8d  %-10s  %s%s%n", layer.index(), layer.headCount(),
                    layer.headSize(), layer.ffnSize(), layer.activation(), layer.norm(), extra));
        }
        return out.toString();
    }
}
