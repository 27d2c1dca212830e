package io.greenai.core;

/**
 * What discovery found in one transformer layer.
 *
 * @param index position in the stack, from 0 at the input side
 * @param headCount number of (query) attention heads
 * @param headSize width of each head
 * @param ffnSize width of the feed-forward block's inner layer (neurons)
 * @param activation the feed-forward activation, e.g. {@code gelu}, or {@code swiglu} for a gated block
 * @param norm where the layer normalises
 * @param kvHeadCount number of key/value heads: {@code headCount} for multi-head attention, fewer for
 *     grouped-query attention (each key/value head serves {@code headCount / kvHeadCount} query heads)
 * @param crossAttention true if the layer also attends to another stack's output (a T5 decoder layer)
 */
public record LayerInfo(int index, int headCount, int headSize, int ffnSize, String activation,
        NormPlacement norm, int kvHeadCount, boolean crossAttention) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a count or size is not positive, the index negative, or the
     *     key/value heads do not divide the query heads
     */
    public LayerInfo {
        if (index < 0 || headCount <= 0 || headSize <= 0 || ffnSize <= 0) {
            throw new IllegalArgumentException("invalid layer " + index + ": heads=" + headCount
                    + ", headSize=" + headSize + ", ffnSize=" + ffnSize);
        }
        if (kvHeadCount <= 0 || headCount % kvHeadCount != 0) {
            throw new IllegalArgumentException("invalid layer " + index + ": " + kvHeadCount
                    + " key/value heads do not divide " + headCount + " query heads");
        }
    }

    /**
     * A layer with multi-head self-attention only (as many key/value heads as query heads).
     *
     * @param index position in the stack, from 0 at the input side
     * @param headCount number of attention heads
     * @param headSize width of each head
     * @param ffnSize width of the feed-forward block's inner layer
     * @param activation the feed-forward activation
     * @param norm where the layer normalises
     * @throws IllegalArgumentException if a count or size is not positive or the index negative
     */
    public LayerInfo(int index, int headCount, int headSize, int ffnSize, String activation, NormPlacement norm) {
        this(index, headCount, headSize, ffnSize, activation, norm, headCount, false);
    }

    /**
     * Returns the attention width, heads times head size.
     *
     * @return the width of the query projection
     */
    public int attentionSize() {
        return headCount * headSize;
    }
}
