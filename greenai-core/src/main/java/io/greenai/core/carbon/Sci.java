package io.greenai.core.carbon;

import java.util.Locale;
import java.util.Objects;

/**
 * Software Carbon Intensity (Green Software Foundation, ISO/IEC 21031:2024):
 * {@code SCI = ((E x I) + M) per R}, with E the energy (here times the PUE), I the grid's carbon
 * intensity, M the embodied emissions and R the functional unit, one inference.
 *
 * @param joules E before the PUE: the energy the meter attributed to the work
 * @param intensity I
 * @param pue the facility overhead that multiplies E
 * @param embodiedGrams M, grams CO2e (0 when not counted)
 * @param functionalUnits R: how many inferences the energy and emissions cover, at least 1
 */
public record Sci(double joules, CarbonIntensity intensity, Pue pue, double embodiedGrams, long functionalUnits) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the energy or embodied emissions are negative or not
     *     finite, or there is no functional unit
     */
    public Sci {
        if (!(joules >= 0) || Double.isInfinite(joules)) {
            throw new IllegalArgumentException("energy must be a finite number >= 0 J: " + joules);
        }
        Objects.requireNonNull(intensity, "intensity");
        Objects.requireNonNull(pue, "pue");
        if (!(embodiedGrams >= 0) || Double.isInfinite(embodiedGrams)) {
            throw new IllegalArgumentException("embodied emissions must be a finite number >= 0 g: " + embodiedGrams);
        }
        if (functionalUnits < 1) {
            throw new IllegalArgumentException("functional units must be >= 1: " + functionalUnits);
        }
    }

    /**
     * Returns E: the energy with the facility overhead, in kilowatt-hours.
     *
     * @return {@code joules x PUE / 3.6e6}
     */
    public double kilowattHours() {
        return joules * pue.value() / CarbonIntensity.JOULES_PER_KILOWATT_HOUR;
    }

    /**
     * Returns the operational emissions, E x I.
     *
     * @return grams CO2e
     */
    public double operationalGrams() {
        return kilowattHours() * intensity.gramsPerKilowattHour();
    }

    /**
     * Returns E x I + M.
     *
     * @return grams CO2e for all functional units
     */
    public double totalGrams() {
        return operationalGrams() + embodiedGrams;
    }

    /**
     * Returns the SCI score: grams CO2e per functional unit.
     *
     * @return {@code (E x I + M) / R}
     */
    public double gramsPerUnit() {
        return totalGrams() / functionalUnits;
    }

    /**
     * Returns the energy per functional unit, without the PUE.
     *
     * @return joules per inference as the meter read it
     */
    public double joulesPerUnit() {
        return joules / functionalUnits;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SCI %.3g gCO2e per unit (E %.3g kWh x %s, %s, M %.3g g, R %d)",
                gramsPerUnit(), kilowattHours(), intensity, pue, embodiedGrams, functionalUnits);
    }
}
