package io.greenai.core;

/**
 * What discovery found in one transformer layer.
 *
 * @param index position in the stack, from 0 at the input side
 * @param headCount number of attention heads
 * @param headSize width of each head
 * @param ffnSize width of the feed-forward block's inner layer (neurons)
 * @param activation the feed-forward activation, e.g. {@code gelu}
 * @param norm where the layer normalises
 */
public record LayerInfo(int index, int headCount, int headSize, int ffnSize, String activation,
        NormPlacement norm) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a count or size is not positive or the index negative
     */
    public LayerInfo {
        if (index < 0 || headCount <= 0 || headSize <= 0 || ffnSize <= 0) {
            throw new IllegalArgumentException("invalid layer " + index + ": heads=" + headCount
                    + ", headSize=" + headSize + ", ffnSize=" + ffnSize);
        }
    }

    /**
     * Returns the attention width, heads times head size.
     *
     * @return the width of the query, key and value projections
     */
    public int attentionSize() {
        return headCount * headSize;
    }
}
