package io.greenai.core.carbon;

import java.time.Duration;

/**
 * The emissions of making the hardware, shared out over its life as the SCI specification does:
 * {@code M = TE x (TiR / EL) x (RR / ToR)}, the total embodied emissions times the share of the
 * expected lifespan the work reserved, times the share of the machine it reserved.
 *
 * @param totalGrams TE, total embodied emissions of the machine, grams CO2e (from the vendor's
 *     product carbon footprint)
 * @param lifespan EL, the expected life of the machine
 * @param resourceShare RR / ToR, the share of the machine the work uses, in (0, 1]
 */
public record EmbodiedCarbon(double totalGrams, Duration lifespan, double resourceShare) {

    /** No embodied emissions counted. */
    public static final EmbodiedCarbon NONE = new EmbodiedCarbon(0, Duration.ofDays(365), 1.0);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the total is negative, the lifespan not positive, or the
     *     share outside (0, 1]
     */
    public EmbodiedCarbon {
        if (!(totalGrams >= 0) || Double.isInfinite(totalGrams)) {
            throw new IllegalArgumentException("embodied emissions must be a finite number >= 0 g: " + totalGrams);
        }
        if (lifespan.isNegative() || lifespan.isZero()) {
            throw new IllegalArgumentException("lifespan must be positive: " + lifespan);
        }
        if (!(resourceShare > 0 && resourceShare <= 1)) {
            throw new IllegalArgumentException("resource share must be in (0, 1]: " + resourceShare);
        }
    }

    /**
     * Returns the embodied emissions charged to work that reserved the machine this long.
     *
     * @param reserved TiR, the time the work held the machine
     * @return grams CO2e
     * @throws IllegalArgumentException if the time is negative
     */
    public double gramsFor(Duration reserved) {
        if (reserved.isNegative()) {
            throw new IllegalArgumentException("reserved time must be >= 0: " + reserved);
        }
        return totalGrams * (seconds(reserved) / seconds(lifespan)) * resourceShare;
    }

    private static double seconds(Duration duration) {
        return duration.getSeconds() + duration.getNano() / 1e9;
    }
}
