package io.greenai.core.energy;

/**
 * Turns power samples into energy with the trapezoid rule: between two samples the power is taken
 * to change linearly. Thread-safe: a sampling thread adds while readers read.
 */
final class PowerIntegrator {

    private boolean started;
    private long lastNanos;
    private double lastWatts;
    private double joules;

    /**
     * Adds a sample.
     *
     * @param nanos when it was taken, on a monotonic clock ({@link System#nanoTime()})
     * @param watts the power at that moment
     */
    synchronized void add(long nanos, double watts) {
        if (started && nanos > lastNanos) {
            joules += (lastWatts + watts) / 2 * ((nanos - lastNanos) / 1e9);
        }
        if (!started || nanos >= lastNanos) {
            lastNanos = nanos;
            lastWatts = watts;
        }
        started = true;
    }

    /**
     * Returns the energy between the first and the last sample.
     *
     * @return joules
     */
    synchronized double joules() {
        return joules;
    }
}
