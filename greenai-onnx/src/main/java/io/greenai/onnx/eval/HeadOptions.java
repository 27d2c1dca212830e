package io.greenai.onnx.eval;

/**
 * Typed options for fitting a {@link ClassifierHead}.
 *
 * <pre>{@code
 * HeadOptions options = HeadOptions.builder().pooling(Pooling.MEAN).solver(HeadOptions.Solver.RIDGE).build();
 * }</pre>
 *
 * @param pooling how sentence vectors are taken, or null for {@link Pooling#defaultFor the model's default}
 * @param solver the fitting method
 * @param penalty the L2 penalty, or NaN for the solver's default: for logistic regression on the
 *     summed log loss (default 1.0, scikit-learn's C = 1); for ridge relative to the mean diagonal of
 *     {@code X'X} (default 1e-3)
 * @param maxTokens texts are cut to this many tokens
 * @param batchSize texts encoded per ONNX Runtime run
 */
public record HeadOptions(Pooling pooling, Solver solver, double penalty, int maxTokens, int batchSize) {

    /** How the head's weights are fit. */
    public enum Solver {
        /** L2-regularised logistic regression, Newton's method ({@link io.greenai.core.fit.LogisticRegression}). */
        LOGISTIC,
        /** Ridge regression on one-hot targets of +1 and -1 ({@link io.greenai.core.fit.RidgeRegression}). */
        RIDGE
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the penalty is negative, or a size below 1 (tokens below 2)
     */
    public HeadOptions {
        java.util.Objects.requireNonNull(solver, "solver");
        if (!Double.isNaN(penalty) && !(penalty >= 0)) {
            throw new IllegalArgumentException("penalty must be >= 0: " + penalty);
        }
        if (maxTokens < 2 || batchSize < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 2 and batchSize >= 1: " + maxTokens + ", "
                    + batchSize);
        }
    }

    /**
     * Returns the penalty in use: the one given, or the solver's default.
     *
     * @return 1.0 for logistic regression and 1e-3 for ridge unless set
     */
    public double effectivePenalty() {
        if (!Double.isNaN(penalty)) {
            return penalty;
        }
        return solver == Solver.LOGISTIC ? 1.0 : 1e-3;
    }

    /**
     * Returns the defaults: the model's pooling, logistic regression with its default penalty, 256
     * tokens, batches of 32.
     *
     * @return the defaults
     */
    public static HeadOptions defaults() {
        return builder().build();
    }

    /**
     * Starts a builder with the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link HeadOptions}. */
    public static final class Builder {
        private Pooling pooling;
        private Solver solver = Solver.LOGISTIC;
        private double penalty = Double.NaN;
        private int maxTokens = 256;
        private int batchSize = 32;

        private Builder() {
        }

        /**
         * Sets the pooling.
         *
         * @param pooling CLS or MEAN; null for the model's default
         * @return this builder
         */
        public Builder pooling(Pooling pooling) {
            this.pooling = pooling;
            return this;
        }

        /**
         * Sets the solver.
         *
         * @param solver logistic (default) or ridge
         * @return this builder
         */
        public Builder solver(Solver solver) {
            this.solver = solver;
            return this;
        }

        /**
         * Sets the L2 penalty.
         *
         * @param penalty at least 0, or NaN for the solver's default
         * @return this builder
         */
        public Builder penalty(double penalty) {
            this.penalty = penalty;
            return this;
        }

        /**
         * Sets the longest text in tokens.
         *
         * @param maxTokens at least 2; default 256
         * @return this builder
         */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Sets how many texts go through the encoder at once.
         *
         * @param batchSize at least 1; default 32
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if a value is out of range
         */
        public HeadOptions build() {
            return new HeadOptions(pooling, solver, penalty, maxTokens, batchSize);
        }
    }
}
