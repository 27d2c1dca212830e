package io.greenai.onnx.graph;

import io.greenai.core.ModelStructure;
import io.greenai.core.StackInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One stack of transformer layers of a graph, input side first; consecutive layers share a
 * residual-stream tensor ({@code layers.get(i).output()} is {@code layers.get(i + 1).input()}).
 *
 * @param hiddenSize width of the residual stream
 * @param layers the layers
 * @param name the stack's name: {@code encoder} or {@code decoder} (see {@link StackInfo#name()})
 * @param architecture a short description of the layout
 */
public record TransformerStack(int hiddenSize, List<LayerBlock> layers, String name, String architecture) {

    /** Copies the list. */
    public TransformerStack {
        layers = List.copyOf(layers);
    }

    /**
     * A stack named {@code encoder}, described by its norm placement.
     *
     * @param hiddenSize width of the residual stream
     * @param layers the layers
     */
    public TransformerStack(int hiddenSize, List<LayerBlock> layers) {
        this(hiddenSize, layers, "encoder", "transformer stack, "
                + layers.get(0).norm().name().toLowerCase(java.util.Locale.ROOT) + "-norm");
    }

    /**
     * Returns the model-neutral structure of this stack alone.
     *
     * @return the structure
     */
    public ModelStructure structure() {
        return structure(List.of(this));
    }

    /**
     * Returns the model-neutral structure of several stacks, the first the main one.
     *
     * @param stacks the stacks, at least one
     * @return the structure
     */
    public static ModelStructure structure(List<TransformerStack> stacks) {
        List<StackInfo> infos = new ArrayList<>();
        for (TransformerStack stack : stacks) {
            infos.add(stack.info());
        }
        StackInfo main = infos.get(0);
        return new ModelStructure(main.architecture(), main.hiddenSize(), main.layers(), infos);
    }

    /**
     * Returns this stack's model-neutral summary.
     *
     * @return the stack's info
     */
    public StackInfo info() {
        return new StackInfo(name, architecture, hiddenSize, layers.stream().map(LayerBlock::info).toList());
    }

    /**
     * Returns the residual-stream tensors at the layer borders: the first layer's input, then each
     * layer's output.
     *
     * @return {@code layerCount + 1} tensor names
     */
    public List<String> boundaries() {
        List<String> names = new ArrayList<>();
        names.add(layers.get(0).input());
        layers.forEach(layer -> names.add(layer.output()));
        return names;
    }
}
