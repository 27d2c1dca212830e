package io.greenai.core;

import java.util.Objects;

/**
 * Typed options of {@link Compressor#quantize(Precision, QuantizationOptions)}: the hardware the
 * quantized model is meant for, how INT8 activations get their scales, and the INT4 block size.
 *
 * <pre>{@code
 * QuantizationOptions options = QuantizationOptions.builder()
 *         .activations(QuantizationOptions.Activations.STATIC)
 *         .build();
 * OnnxModel int8 = Compressor.of(model).calibrateWith(texts).quantize(Precision.INT8, options).build();
 * }</pre>
 *
 * <p>{@link #defaults()} is what {@link Compressor#quantize(Precision)} uses: target CPU, dynamic
 * activations, INT4 blocks of {@value #DEFAULT_BLOCK_SIZE} weights. Which options fit which precision
 * is checked by {@link CompressionStep.Quantize}.
 *
 * @param target the hardware the quantized model is meant for
 * @param activations how INT8 activations are scaled; FP16 and INT4 keep float activations and take
 *     {@link Activations#DYNAMIC}, the default
 * @param blockSize INT4 weights that share one scale and zero point: a power of two, at least
 *     {@value #MIN_BLOCK_SIZE}
 */
public record QuantizationOptions(Target target, Activations activations, int blockSize) {

    /** The default INT4 block size: 32 weights per scale. */
    public static final int DEFAULT_BLOCK_SIZE = 32;

    /** The smallest INT4 block size ONNX Runtime's {@code MatMulNBits} accepts. */
    public static final int MIN_BLOCK_SIZE = 16;

    private static final QuantizationOptions DEFAULTS =
            new QuantizationOptions(Target.CPU, Activations.DYNAMIC, DEFAULT_BLOCK_SIZE);

    /** The hardware a quantized model is meant to run on; it decides which operators are emitted. */
    public enum Target {
        /** ONNX Runtime's CPU execution provider (the default). */
        CPU,
        /** A GPU execution provider of ONNX Runtime (CUDA, TensorRT, DirectML). */
        GPU
    }

    /** How INT8 activations get their quantization scales. */
    public enum Activations {
        /** Measured on every input at run time (the default; no calibration data needed). */
        DYNAMIC,
        /** Fixed once from the calibration texts, for runtimes that need static scales (QDQ format). */
        STATIC
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the block size is not a power of two of at least
     *     {@value #MIN_BLOCK_SIZE}
     */
    public QuantizationOptions {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(activations, "activations");
        if (blockSize < MIN_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("INT4 block size must be a power of two >= " + MIN_BLOCK_SIZE + ": "
                    + blockSize);
        }
    }

    /**
     * Returns the defaults: target CPU, dynamic activations, block size {@value #DEFAULT_BLOCK_SIZE}.
     *
     * @return the default options
     */
    public static QuantizationOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tells whether these are the default options.
     *
     * @return true for {@link #defaults()}
     */
    public boolean isDefault() {
        return equals(DEFAULTS);
    }

    /** Builds {@link QuantizationOptions}. */
    public static final class Builder {
        private Target target = Target.CPU;
        private Activations activations = Activations.DYNAMIC;
        private int blockSize = DEFAULT_BLOCK_SIZE;

        private Builder() {
        }

        /**
         * Sets the hardware the model is meant for.
         *
         * @param target CPU (the default) or GPU
         * @return this builder
         */
        public Builder target(Target target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Sets how INT8 activations are scaled.
         *
         * @param activations DYNAMIC (the default) or STATIC (needs calibration texts)
         * @return this builder
         */
        public Builder activations(Activations activations) {
            this.activations = Objects.requireNonNull(activations, "activations");
            return this;
        }

        /**
         * Sets the INT4 block size.
         *
         * @param weights weights per scale, a power of two of at least {@value #MIN_BLOCK_SIZE}
         * @return this builder
         */
        public Builder blockSize(int weights) {
            this.blockSize = weights;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if the block size is not a power of two of at least
         *     {@value #MIN_BLOCK_SIZE}
         */
        public QuantizationOptions build() {
            return new QuantizationOptions(target, activations, blockSize);
        }
    }
}
