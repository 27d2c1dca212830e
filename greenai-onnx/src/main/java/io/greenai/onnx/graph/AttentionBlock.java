package io.greenai.onnx.graph;

/**
 * One attention sub-block as found in the graph: its projections, head layout and cache, whatever
 * operators compute it (see {@link AttentionKind}).
 *
 * @param anchor name of the node the block was found from: the Softmax, or the fused attention node
 * @param anchorOutput that node's first output, which identifies it even where nodes have no names
 * @param kind how the attention is written
 * @param query query projection
 * @param key key projection
 * @param value value projection
 * @param output attention output projection
 * @param headCount query heads
 * @param kvHeadCount key/value heads ({@code headCount} unless grouped-query attention)
 * @param headSize width of each head
 * @param memory the tensor keys and values are computed from when it is not the query's input
 *     (cross-attention to an encoder's output), or null for self-attention
 * @param cache past and present key/value tensors, {@link KvCache#NONE} if the graph has none
 * @param scoreBias a per-head bias added to the attention scores, shaped {@code [batch or 1, heads, q,
 *     k]} (T5's relative position bias), or null
 */
public record AttentionBlock(String anchor, String anchorOutput, AttentionKind kind, Projection query, Projection key,
        Projection value, Projection output, int headCount, int kvHeadCount, int headSize, String memory,
        KvCache cache, String scoreBias) {

    /**
     * Tells whether this block attends to another stack's output.
     *
     * @return true for cross-attention
     */
    public boolean isCross() {
        return memory != null;
    }

    /**
     * Returns the query heads that share one key/value head.
     *
     * @return {@code headCount / kvHeadCount}
     */
    public int groupSize() {
        return headCount / kvHeadCount;
    }
}
