package io.greenai.core.eval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of an evaluation: each variant's accuracy, latency, energy, size and parameters, and
 * how it compares with the original (relative accuracy and relative emission).
 *
 * <p>Relative accuracy is a variant's accuracy divided by the original's; relative emission is its
 * energy per inference divided by the original's (the carbon intensity and PUE cancel out). The
 * original is the first variant, which {@link #EvaluationReport} requires to be measured.
 *
 * @param model the original model's name
 * @param dataset the evaluation data's name
 * @param task the task, which chose {@code metric}
 * @param metric the task's GLUE metric
 * @param evalExamples examples in the evaluation data
 * @param trainExamples labeled examples the classifier head was fit on (0 if the model came with a head)
 * @param head how the classifier head was made, e.g. {@code logistic regression on CLS pooling, 2 classes}
 * @param energyMeter the meter's name, e.g. {@code cpu-estimate} or {@code rapl}
 * @param energyMeasured true if every energy figure was measured by hardware, false if estimated
 * @param meterExplanation why this meter was chosen (one line per candidate)
 * @param carbonIntensity grams CO2e per kWh used for the emissions
 * @param machine the machine, e.g. {@code AMD EPYC, 2 cores, Linux}
 * @param settings how latency and energy were measured (batch, runs, threads)
 * @param variants the original first, then each recipe in order
 */
public record EvaluationReport(String model, String dataset, String task, Metric metric, int evalExamples,
        int trainExamples, String head, String energyMeter, boolean energyMeasured, String meterExplanation,
        double carbonIntensity, String machine, String settings, List<VariantResult> variants) {

    /**
     * Copies the variants and checks the original.
     *
     * @throws IllegalArgumentException if there is no variant or the first was not measured
     */
    public EvaluationReport {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
        variants = List.copyOf(variants);
        if (variants.isEmpty() || !variants.get(0).ok()) {
            throw new IllegalArgumentException("the first variant must be the measured original: " + variants);
        }
    }

    /**
     * Returns the original model's result.
     *
     * @return the first variant
     */
    public VariantResult original() {
        return variants.get(0);
    }

    /**
     * Returns the variant with this name.
     *
     * @param name e.g. {@code Combination}
     * @return the variant, or empty
     */
    public Optional<VariantResult> variant(String name) {
        return variants.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /**
     * Returns a variant's accuracy relative to the original's.
     *
     * @param variant a variant of this report
     * @return e.g. 0.97 for 97%; NaN if the variant was skipped
     */
    public double relativeAccuracy(VariantResult variant) {
        return variant.ok() ? variant.accuracy() / original().accuracy() : Double.NaN;
    }

    /**
     * Returns a variant's energy (and so emissions) per inference relative to the original's.
     *
     * @param variant a variant of this report
     * @return e.g. 0.25 for 25%; NaN if the variant was skipped
     */
    public double relativeEmission(VariantResult variant) {
        return variant.ok() ? variant.joulesPerInference() / original().joulesPerInference() : Double.NaN;
    }

    /**
     * Says how the energy figures were obtained.
     *
     * @return {@code measured} or {@code estimated}
     */
    public String energyMethod() {
        return energyMeasured ? "measured" : "estimated";
    }
}
