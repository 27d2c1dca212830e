package io.greenai.core.energy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The energy a session has counted since it started.
 *
 * @param meter the meter's name, e.g. {@code rapl}
 * @param measured true if every part was measured by hardware, false if any part is estimated
 * @param joules energy since the session started, in joules
 * @param elapsedNanos wall-clock time since the session started, in nanoseconds
 * @param joulesByDomain the same energy split by what was read (e.g. {@code package-0},
 *     {@code gpu0}, {@code process-cpu}); the values add up to {@code joules}
 */
public record EnergyReading(String meter, boolean measured, double joules, long elapsedNanos,
        Map<String, Double> joulesByDomain) {

    /**
     * Checks and copies the values.
     *
     * @throws IllegalArgumentException if the energy is NaN or the time negative
     */
    public EnergyReading {
        Objects.requireNonNull(meter, "meter");
        if (Double.isNaN(joules)) {
            throw new IllegalArgumentException("joules must be a number: " + joules);
        }
        if (elapsedNanos < 0) {
            throw new IllegalArgumentException("elapsedNanos must be >= 0: " + elapsedNanos);
        }
        joulesByDomain = Collections.unmodifiableMap(new LinkedHashMap<>(joulesByDomain));
    }

    /**
     * Returns the elapsed time in seconds.
     *
     * @return seconds since the session started
     */
    public double seconds() {
        return elapsedNanos / 1e9;
    }

    /**
     * Returns the mean power over the session.
     *
     * @return joules per second, or 0 if no time has passed
     */
    public double watts() {
        return elapsedNanos == 0 ? 0 : joules / seconds();
    }

    /**
     * Says how the figure was obtained, as printed beside it.
     *
     * @return {@code measured} or {@code estimated}
     */
    public String method() {
        return measured ? "measured" : "estimated";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.3f J in %.3f s (%.2f W, %s by %s)", joules, seconds(), watts(),
                method(), meter);
    }
}
