package io.greenai.onnx.runtime;

/**
 * Typed options for ONNX Runtime sessions.
 *
 * <pre>{@code
 * OrtOptions options = OrtOptions.builder().intraOpThreads(2).build();
 * }</pre>
 *
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (one per core)
 * @param interOpThreads threads across operators; 0 lets ONNX Runtime choose
 * @param optimize whether ONNX Runtime applies all its graph optimisations (fusions) when loading
 * @param cudaDevice the CUDA device to run on, or -1 for the CPU
 */
public record OrtOptions(int intraOpThreads, int interOpThreads, boolean optimize, int cudaDevice) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a thread count is negative or the device below -1
     */
    public OrtOptions {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0: intra=" + intraOpThreads
                    + ", inter=" + interOpThreads);
        }
        if (cudaDevice < -1) {
            throw new IllegalArgumentException("cuda device must be >= 0, or -1 for the CPU: " + cudaDevice);
        }
    }

    /**
     * Returns the defaults: CPU, thread counts chosen by ONNX Runtime, all graph optimisations.
     *
     * @return the default options
     */
    public static OrtOptions defaults() {
        return builder().build();
    }

    /**
     * Starts a builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link OrtOptions}. */
    public static final class Builder {
        private int intraOpThreads;
        private int interOpThreads;
        private boolean optimize = true;
        private int cudaDevice = -1;

        private Builder() {
        }

        /**
         * Sets the threads used inside one operator.
         *
         * @param threads at least 0 (0: ONNX Runtime chooses)
         * @return this builder
         */
        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        /**
         * Sets the threads used across operators.
         *
         * @param threads at least 0 (0: ONNX Runtime chooses)
         * @return this builder
         */
        public Builder interOpThreads(int threads) {
            this.interOpThreads = threads;
            return this;
        }

        /**
         * Turns ONNX Runtime's graph optimisations on or off.
         *
         * @param optimize true for all optimisations (the default)
         * @return this builder
         */
        public Builder optimize(boolean optimize) {
            this.optimize = optimize;
            return this;
        }

        /**
         * Runs on a CUDA device (needs the onnxruntime_gpu package on the class path).
         *
         * @param device the device index, or -1 for the CPU
         * @return this builder
         */
        public Builder cudaDevice(int device) {
            this.cudaDevice = device;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if a value is out of range
         */
        public OrtOptions build() {
            return new OrtOptions(intraOpThreads, interOpThreads, optimize, cudaDevice);
        }
    }
}
