package io.greenai.onnx.graph;

import io.greenai.core.LayerInfo;
import io.greenai.core.NormPlacement;

/**
 * One transformer layer as found in the graph: the residual-stream tensors at its borders and its
 * projections.
 *
 * @param index position in the stack, 0 nearest the input
 * @param input the residual-stream tensor the layer reads
 * @param output the residual-stream tensor the layer writes
 * @param softmax name of the attention Softmax node
 * @param query query projection
 * @param key key projection
 * @param value value projection
 * @param attentionOutput attention output projection
 * @param ffnUp feed-forward up projection
 * @param ffnDown feed-forward down projection
 * @param headCount attention heads
 * @param headSize width of each head
 * @param activation feed-forward activation name
 * @param norm where the layer normalises
 * @param attentionSkip the residual-stream tensor added to the attention output
 * @param attentionResidual the sum of attention output and {@code attentionSkip}
 * @param ffnSkip the residual-stream tensor added to the feed-forward output
 * @param ffnResidual the sum of feed-forward output and {@code ffnSkip}
 * @param outputNormScale the scale initializer of a post-norm layer's output LayerNorm, or null
 * @param outputNormBias the shift initializer of a post-norm layer's output LayerNorm, or null
 */
public record LayerBlock(int index, String input, String output, String softmax, Projection query, Projection key,
        Projection value, Projection attentionOutput, Projection ffnUp, Projection ffnDown, int headCount,
        int headSize, String activation, NormPlacement norm, String attentionSkip, String attentionResidual,
        String ffnSkip, String ffnResidual, String outputNormScale, String outputNormBias) {

    /**
     * Summarises the layer in the model-neutral form.
     *
     * @return the layer's info
     */
    public LayerInfo info() {
        return new LayerInfo(index, headCount, headSize, ffnUp.outFeatures(), activation, norm);
    }
}
