package io.greenai.core.carbon;

import java.util.Locale;
import java.util.Objects;

/**
 * Power usage effectiveness: the facility's total energy divided by the energy its IT equipment
 * uses (cooling, power conversion, lighting). It multiplies the energy a meter reads on the
 * machine.
 *
 * @param value at least 1.0
 * @param source where the figure comes from
 */
public record Pue(double value, String source) {

    /** 1.0: count only the machine itself (a desk machine, or when the provider's PUE is unknown). */
    public static final Pue NONE = new Pue(1.0, "no facility overhead counted");

    /** 1.58: industry average, Uptime Institute Global Data Center Survey 2023. */
    public static final Pue UPTIME_2023_AVERAGE = new Pue(1.58,
            "industry average, Uptime Institute Global Data Center Survey 2023");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the value is below 1, NaN or infinite
     */
    public Pue {
        if (!(value >= 1.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("PUE must be a finite number >= 1.0: " + value);
        }
        Objects.requireNonNull(source, "source");
    }

    /**
     * Uses the user's own figure, e.g. the one a cloud provider publishes for the region.
     *
     * @param value at least 1.0
     * @return the PUE, with source {@code user value}
     * @throws IllegalArgumentException if the value is below 1, NaN or infinite
     */
    public static Pue of(double value) {
        return new Pue(value, "user value");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PUE %.2f (%s)", value, source);
    }
}
