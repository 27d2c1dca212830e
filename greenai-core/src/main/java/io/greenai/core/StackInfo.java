package io.greenai.core;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One stack of transformer layers: the whole model for an encoder (BERT) or a decoder (GPT-2,
 * LLaMA), one of two for an encoder-decoder (T5). Layers of a stack share one residual stream.
 *
 * @param name the stack's name, {@code encoder} or {@code decoder} (a suffix {@code _1}, {@code _2}
 *     tells apart stacks of the same role); plan strings and
 *     {@link Compressor#removeLayers(String, int)} choose a stack by it
 * @param architecture a short description of the layout, e.g. {@code decoder, pre-norm RMSNorm}
 * @param hiddenSize width of the stack's residual stream
 * @param layers the layers, input side first
 */
public record StackInfo(String name, String architecture, int hiddenSize, List<LayerInfo> layers) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");

    /**
     * Copies the layer list and checks the values.
     *
     * @throws IllegalArgumentException if the name is not a plain identifier, the hidden size is not
     *     positive or there are no layers
     */
    public StackInfo {
        checkName(name);
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
     * Returns the number of layers in this stack.
     *
     * @return the layer count, at least 1
     */
    public int layerCount() {
        return layers.size();
    }

    /**
     * Checks that a stack name can be written in a plan string.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is null, blank, or holds characters other than letters,
     *     digits, {@code _}, {@code .} and {@code -} (or does not start with a letter)
     */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("stack name must be a letter followed by letters, digits, '_', '.' "
                    + "or '-': " + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }
}
