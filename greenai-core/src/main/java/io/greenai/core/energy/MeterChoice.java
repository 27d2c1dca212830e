package io.greenai.core.energy;

import java.util.List;
import java.util.Objects;

/**
 * The meter {@link EnergyMeters#best()} chose, and what became of every candidate.
 *
 * @param meter the chosen meter (a sum of meters when both the CPU and GPUs are read)
 * @param candidates every meter considered, in the order considered, used or not, with the reason
 */
public record MeterChoice(EnergyMeter meter, List<Candidate> candidates) {

    /**
     * One meter that was considered.
     *
     * @param name the meter's name
     * @param used whether it is part of the chosen meter
     * @param reason what it reads, or why it was not used
     */
    public record Candidate(String name, boolean used, String reason) {

        /**
         * Checks the values.
         *
         * @throws NullPointerException if the name or reason is null
         */
        public Candidate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return name + ": " + (used ? "used: " : "not used: ") + reason;
        }
    }

    /**
     * Copies the candidates.
     *
     * @throws NullPointerException if the meter is null
     */
    public MeterChoice {
        Objects.requireNonNull(meter, "meter");
        candidates = List.copyOf(candidates);
    }

    /**
     * Explains the choice in a few lines, one per candidate.
     *
     * @return e.g. {@code energy meter: cpu-estimate (estimated)} followed by the candidates
     */
    public String explain() {
        StringBuilder text = new StringBuilder("energy meter: ").append(meter.name())
                .append(meter.measured() ? " (measured)" : " (estimated)");
        for (Candidate candidate : candidates) {
            text.append(System.lineSeparator()).append("  ").append(candidate);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return explain();
    }
}
