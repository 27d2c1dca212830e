package io.greenai.core;

/** Where a transformer layer applies its normalisation relative to the residual additions. */
public enum NormPlacement {
    /** Normalise after each residual addition (BERT, DistilBERT): the layer's output is normalised. */
    POST,
    /** Normalise each block's input, add the residual unnormalised (GPT-2, LLaMA). */
    PRE
}
