package io.greenai.core.eval;

import java.util.Objects;

/**
 * What an evaluation measured for one variant (the original model, or one compression recipe).
 * Figures that were not measured (a skipped recipe) are NaN, or -1 for counts.
 *
 * @param name the recipe's name, e.g. {@code Layer Removal}
 * @param plan the compression plan that made the variant ({@code original} for the original)
 * @param status whether it ran
 * @param note why it was skipped, or what is worth knowing about it; empty if nothing
 * @param accuracy share of evaluation examples classified correctly, in [0, 1]
 * @param taskMetric the task's GLUE metric ({@link EvaluationReport#metric()})
 * @param agreement share of examples where the variant predicts the same class as the original
 * @param latencyMillis mean wall-clock time of one inference at batch 1, milliseconds
 * @param joulesPerInference energy of one inference at batch 1 (measured or estimated, see the report)
 * @param gramsCo2ePerInference emissions of one inference at the report's carbon intensity
 * @param sizeBytes the serialized model's size
 * @param parameters floating-point parameters
 * @param layers transformer layers
 * @param compressSeconds time to build the variant from the original
 */
public record VariantResult(String name, String plan, Status status, String note, double accuracy, double taskMetric,
        double agreement, double latencyMillis, double joulesPerInference, double gramsCo2ePerInference,
        long sizeBytes, long parameters, int layers, double compressSeconds) {

    /** Whether a variant was evaluated. */
    public enum Status {
        /** Built and measured. */
        OK,
        /** Not built: a step is not available in this version (the note says which and why). */
        SKIPPED
    }

    /**
     * Checks the values.
     *
     * @throws NullPointerException if a name, plan, status or note is null
     */
    public VariantResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(note, "note");
    }

    /**
     * A variant that could not be built.
     *
     * @param name the recipe's name
     * @param plan the plan it would have run
     * @param reason why it was skipped
     * @return the result, with every figure NaN
     */
    public static VariantResult skipped(String name, String plan, String reason) {
        return new VariantResult(name, plan, Status.SKIPPED, reason, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, -1, -1, -1, Double.NaN);
    }

    /**
     * Tells whether the variant was measured.
     *
     * @return true if the status is {@link Status#OK}
     */
    public boolean ok() {
        return status == Status.OK;
    }
}
