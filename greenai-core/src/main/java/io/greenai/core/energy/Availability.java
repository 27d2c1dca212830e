package io.greenai.core.energy;

import java.util.Objects;

/**
 * Whether a meter can be used on this machine, and a sentence saying what it reads or why not.
 *
 * @param available true if the meter can start sessions
 * @param detail what the meter reads when available (e.g. the RAPL zones), or why it is not
 */
public record Availability(boolean available, String detail) {

    /**
     * Checks the detail.
     *
     * @throws NullPointerException if the detail is null
     */
    public Availability {
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Makes an available answer.
     *
     * @param detail what the meter will read
     * @return the answer
     */
    public static Availability available(String detail) {
        return new Availability(true, detail);
    }

    /**
     * Makes an unavailable answer.
     *
     * @param reason why the meter cannot be used, naming the file, library or value at fault
     * @return the answer
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }

    @Override
    public String toString() {
        return (available ? "available: " : "unavailable: ") + detail;
    }
}
