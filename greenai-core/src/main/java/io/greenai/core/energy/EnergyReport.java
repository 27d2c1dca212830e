package io.greenai.core.energy;

import io.greenai.core.carbon.Sci;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link EnergyMeasurement#run()} found: energy and emissions per run of the workload, with
 * the meter that produced them and whether they were measured or estimated.
 *
 * @param meter the meter's name, e.g. {@code rapl+nvml} or {@code cpu-estimate}
 * @param measured true if every part was measured by hardware, false if any part is estimated
 * @param runs measured runs of the workload (warm-up runs excluded)
 * @param elapsedNanos wall-clock time of the measured runs
 * @param grossJoules energy the meter read over the measured runs
 * @param idleWatts idle power measured before the runs and subtracted; 0 if not measured
 * @param netJoules {@code grossJoules - idleWatts x seconds}, not below 0
 * @param sci the emissions of the net energy, per run
 */
public record EnergyReport(String meter, boolean measured, int runs, long elapsedNanos, double grossJoules,
        double idleWatts, double netJoules, Sci sci) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if there are no runs
     */
    public EnergyReport {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(sci, "sci");
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1: " + runs);
        }
    }

    /**
     * Returns the energy of one run, idle power subtracted.
     *
     * @return joules per run
     */
    public double joulesPerRun() {
        return netJoules / runs;
    }

    /**
     * Returns the emissions of one run: the SCI score.
     *
     * @return grams CO2e per run
     */
    public double gramsCo2ePerRun() {
        return sci.gramsPerUnit();
    }

    /**
     * Returns the mean wall-clock time of one run.
     *
     * @return seconds per run
     */
    public double secondsPerRun() {
        return elapsedNanos / 1e9 / runs;
    }

    /**
     * Says how the figures were obtained, as printed beside them.
     *
     * @return {@code measured} or {@code estimated}
     */
    public String method() {
        return measured ? "measured" : "estimated";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "%.4g J and %.4g gCO2e per run, %s by %s (%d runs in %.2f s; %.3g J gross, idle %.3g W subtracted;"
                        + " %s; %s)",
                joulesPerRun(), gramsCo2ePerRun(), method(), meter, runs, elapsedNanos / 1e9, grossJoules, idleWatts,
                sci.intensity(), sci.pue());
    }
}
