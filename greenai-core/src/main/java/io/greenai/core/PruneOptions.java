package io.greenai.core;

import java.util.Objects;

/**
 * Options of {@link Compressor#pruneMatrices(PruneOptions)}: separate ratios for attention heads and
 * feed-forward neurons, and the importance criterion that picks which ones go.
 *
 * <pre>{@code
 * PruneOptions options = PruneOptions.builder().headRatio(0.25).ffnRatio(0.5)
 *         .importance(PruneOptions.Importance.MAGNITUDE).build();
 * }</pre>
 *
 * @param headRatio fraction of each layer's attention heads to remove, in [0, 1)
 * @param ffnRatio fraction of each layer's feed-forward neurons to remove, in [0, 1)
 * @param importance how heads and neurons are ranked
 */
public record PruneOptions(double headRatio, double ffnRatio, Importance importance) {

    /** How heads and neurons are ranked; the lowest-ranked go. */
    public enum Importance {
        /** Activation-aware when calibration texts are given, weight magnitude otherwise (the default). */
        AUTO,
        /**
         * Weight magnitude: a head scores the product of the Frobenius norms of its value columns and its
         * output-projection rows; a neuron the product of the norms of its up-projection column and its
         * down-projection row.
         */
        MAGNITUDE,
        /**
         * Activation-aware (Wanda, Sun et al. 2023): each input feature of the output and down projections
         * scores the L2 norm of its activation over the calibration tokens times the L1 norm of the
         * weights it multiplies; a head sums its features. Needs calibration texts.
         */
        ACTIVATION
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a ratio is NaN or outside [0, 1)
     */
    public PruneOptions {
        checkRatio("head ratio", headRatio);
        checkRatio("ffn ratio", ffnRatio);
        Objects.requireNonNull(importance, "importance");
    }

    /**
     * The same ratio for heads and neurons, ranked by {@link Importance#AUTO}.
     *
     * @param ratio fraction of heads and of neurons to remove, in [0, 1)
     * @return the options
     * @throws IllegalArgumentException if the ratio is NaN or outside [0, 1)
     */
    public static PruneOptions uniform(double ratio) {
        return new PruneOptions(ratio, ratio, Importance.AUTO);
    }

    /**
     * Starts a builder: no pruning, {@link Importance#AUTO}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    static void checkRatio(String what, double ratio) {
        if (!(ratio >= 0.0 && ratio < 1.0)) {
            throw new IllegalArgumentException(what + " must be in [0, 1): " + ratio);
        }
    }

    /** Builds {@link PruneOptions}. */
    public static final class Builder {
        private double headRatio;
        private double ffnRatio;
        private Importance importance = Importance.AUTO;

        private Builder() {
        }

        /**
         * Sets the fraction of attention heads to remove in each layer.
         *
         * @param ratio in [0, 1)
         * @return this builder
         */
        public Builder headRatio(double ratio) {
            checkRatio("head ratio", ratio);
            this.headRatio = ratio;
            return this;
        }

        /**
         * Sets the fraction of feed-forward neurons to remove in each layer.
         *
         * @param ratio in [0, 1)
         * @return this builder
         */
        public Builder ffnRatio(double ratio) {
            checkRatio("ffn ratio", ratio);
            this.ffnRatio = ratio;
            return this;
        }

        /**
         * Sets the importance criterion.
         *
         * @param importance the criterion
         * @return this builder
         */
        public Builder importance(Importance importance) {
            this.importance = Objects.requireNonNull(importance, "importance");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public PruneOptions build() {
            return new PruneOptions(headRatio, ffnRatio, importance);
        }
    }
}
