package io.greenai.core;

/**
 * A model that a {@link Compressor} can compress. Implementations are immutable values:
 * {@link #apply(CompressionPlan)} returns a new model and never changes this one.
 *
 * @param <M> the implementing type
 */
public interface CompressibleModel<M extends CompressibleModel<M>> {

    /**
     * Discovers the model's transformer layer stack.
     *
     * @return the structure
     * @throws UnsupportedModelException if the model has no transformer stack GreenAI can understand
     */
    ModelStructure structure();

    /**
     * Runs a plan that {@link Compressor#build()} has already checked against {@link #structure()}.
     *
     * @param plan the steps to run, in their fixed stage order
     * @return a new, compressed model
     * @throws GreenAiException if a step cannot be carried out on this model
     */
    M apply(CompressionPlan plan);
}
