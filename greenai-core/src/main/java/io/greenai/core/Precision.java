package io.greenai.core;

/** Numeric precision of a compressed model's weights and compute. */
public enum Precision {
    /** 32-bit float: the precision models are usually exported in; not a target of {@code quantize}. */
    FP32,
    /**
     * 16-bit float weights and compute, float32 at the model's borders; meant for GPUs. ONNX Runtime's
     * CPU provider has no float16 MatMul and computes such models through inserted casts.
     */
    FP16,
    /**
     * 8-bit integer weights (per output channel, symmetric), activations quantized to 8 bits at run
     * time (dynamic) unless configured static.
     */
    INT8,
    /** Block-wise 4-bit integer weights, float activations (weight-only; blocks of 32 by default). */
    INT4
}
