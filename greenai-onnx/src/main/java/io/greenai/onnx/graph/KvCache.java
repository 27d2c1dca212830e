package io.greenai.onnx.graph;

import java.util.List;

/**
 * The key/value cache tensors of one attention block in a decoder graph exported with past state:
 * the graph inputs that feed the cached keys and values in, and the graph outputs that hand the
 * updated ones back.
 *
 * @param pastInputs graph inputs, e.g. {@code [past_3]} (keys and values stacked) or
 *     {@code [past_key_values.3.key, past_key_values.3.value]}
 * @param presentOutputs graph outputs, in the same order, e.g. {@code [present_3]}
 */
public record KvCache(List<String> pastInputs, List<String> presentOutputs) {

    /** A block without cache. */
    public static final KvCache NONE = new KvCache(List.of(), List.of());

    /** Copies the lists. */
    public KvCache {
        pastInputs = List.copyOf(pastInputs);
        presentOutputs = List.copyOf(presentOutputs);
    }

    /**
     * Tells whether the block has cache tensors.
     *
     * @return true if there is a past input or a present output
     */
    public boolean isPresent() {
        return !pastInputs.isEmpty() || !presentOutputs.isEmpty();
    }
}
