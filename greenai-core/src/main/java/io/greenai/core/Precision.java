package io.greenai.core;

/** Numeric precision of a compressed model's weights and compute. */
public enum Precision {
    /** 32-bit float: the precision models are usually exported in. */
    FP32,
    /** 16-bit float weights and compute, float32 at the model's borders; meant for GPUs. */
    FP16,
    /** 8-bit integer weights, activations quantized at run time (dynamic) unless configured static. */
    INT8,
    /** Block-wise 4-bit integer weights, float activations (weight-only). */
    INT4
}
