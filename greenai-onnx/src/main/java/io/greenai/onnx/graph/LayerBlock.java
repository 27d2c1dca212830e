package io.greenai.onnx.graph;

import io.greenai.core.LayerInfo;
import io.greenai.core.NormPlacement;
import java.util.ArrayList;
import java.util.List;

/**
 * One transformer layer as found in the graph: the residual-stream tensors at its borders, its
 * self-attention (and cross-attention) block and its feed-forward projections.
 *
 * <p>The first fourteen components describe the self-attention and feed-forward block of any layout;
 * {@link #attention()} adds how the attention is written, its key/value heads and cache.
 *
 * @param index position in the stack, 0 nearest the input
 * @param input the residual-stream tensor the layer reads
 * @param output the residual-stream tensor the layer writes; in a fused-norm graph whose final norm
 *     does not output the residual sum, the last layer's output is that norm's output
 * @param softmax name of the self-attention Softmax node, or of the fused attention node
 * @param query query projection
 * @param key key projection
 * @param value value projection
 * @param attentionOutput attention output projection
 * @param ffnUp feed-forward up projection (the linear branch of a gated block)
 * @param ffnDown feed-forward down projection
 * @param headCount query heads
 * @param headSize width of each head
 * @param activation feed-forward activation name ({@code swiglu}, {@code geglu} for gated blocks)
 * @param norm where the layer normalises
 * @param attention the self-attention block
 * @param crossAttention the cross-attention block of an encoder-decoder's decoder layer, or null
 * @param ffnGate the gate projection of a gated feed-forward block (SwiGLU), or null
 * @param fusedStart the fused norm node at the layer's input border, or null in graphs of plain operators
 * @param fusedEnd the fused norm node at the layer's output border, or null in graphs of plain operators
 */
public record LayerBlock(int index, String input, String output, String softmax, Projection query, Projection key,
        Projection value, Projection attentionOutput, Projection ffnUp, Projection ffnDown, int headCount,
        int headSize, String activation, NormPlacement norm, AttentionBlock attention, AttentionBlock crossAttention,
        Projection ffnGate, NormBoundary fusedStart, NormBoundary fusedEnd) {

    /**
     * A layer of plain operators with multi-head self-attention and an ungated feed-forward block.
     *
     * @param index position in the stack
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
     */
    public LayerBlock(int index, String input, String output, String softmax, Projection query, Projection key,
            Projection value, Projection attentionOutput, Projection ffnUp, Projection ffnDown, int headCount,
            int headSize, String activation, NormPlacement norm) {
        this(index, input, output, softmax, query, key, value, attentionOutput, ffnUp, ffnDown, headCount, headSize,
                activation, norm, new AttentionBlock(softmax, "", AttentionKind.PLAIN, query, key, value,
                        attentionOutput, headCount, headCount, headSize, null, KvCache.NONE, null), null, null, null, null);
    }

    /**
     * Returns the key/value heads of the self-attention.
     *
     * @return {@code headCount} unless grouped-query attention
     */
    public int kvHeadCount() {
        return attention.kvHeadCount();
    }

    /**
     * Returns the past and present cache tensors of the layer, self-attention first.
     *
     * @return the layer's cache tensors ({@link KvCache#NONE} if none)
     */
    public KvCache cache() {
        if (crossAttention == null || !crossAttention.cache().isPresent()) {
            return attention.cache();
        }
        List<String> past = new ArrayList<>(attention.cache().pastInputs());
        past.addAll(crossAttention.cache().pastInputs());
        List<String> present = new ArrayList<>(attention.cache().presentOutputs());
        present.addAll(crossAttention.cache().presentOutputs());
        return new KvCache(past, present);
    }

    /**
     * Returns the layer's linear projections, one per weight: attention (a packed query/key/value
     * weight once), cross-attention, and feed-forward (gate included). This is what weight-only
     * quantization or pruning of this layer touches; {@link Projection#offset()} and
     * {@link AttentionBlock#kind()} tell packed weights and fused attention nodes apart.
     *
     * @return the projections, distinct by weight, in the order above
     */
    public List<Projection> projections() {
        List<Projection> all = new ArrayList<>();
        for (AttentionBlock block : crossAttention == null ? List.of(attention) : List.of(attention, crossAttention)) {
            all.addAll(List.of(block.query(), block.key(), block.value(), block.output()));
        }
        if (ffnGate != null) {
            all.add(ffnGate);
        }
        all.add(ffnUp);
        all.add(ffnDown);
        List<Projection> distinct = new ArrayList<>();
        for (Projection projection : all) {
            if (distinct.stream().noneMatch(p -> p.weight().equals(projection.weight()))) {
                distinct.add(projection);
            }
        }
        return distinct;
    }

    /**
     * Returns this layer at another position in its stack.
     *
     * @param position the new index
     * @return a copy with that index
     */
    LayerBlock withIndex(int position) {
        return new LayerBlock(position, input, output, softmax, query, key, value, attentionOutput, ffnUp, ffnDown,
                headCount, headSize, activation, norm, attention, crossAttention, ffnGate, fusedStart, fusedEnd);
    }

    /**
     * Summarises the layer in the model-neutral form.
     *
     * @return the layer's info
     */
    public LayerInfo info() {
        return new LayerInfo(index, headCount, headSize, ffnUp.outFeatures(), activation, norm, kvHeadCount(),
                crossAttention != null);
    }
}
