package io.greenai.core.energy;

import java.util.Map;

/**
 * A meter whose energy is a function of the clock and of whatever the test counts, so that tests
 * know exactly what each session must read.
 */
final class FakeMeter implements EnergyMeter {

    /** Energy accumulated up to {@code nanos} on {@link System#nanoTime()}'s clock. */
    @FunctionalInterface
    interface EnergyFunction {
        double joulesAt(long nanos);
    }

    private final String name;
    private final boolean measured;
    private final Availability availability;
    private final EnergyFunction energy;
    int sessionsStarted;

    FakeMeter(String name, boolean measured, Availability availability, EnergyFunction energy) {
        this.name = name;
        this.measured = measured;
        this.availability = availability;
        this.energy = energy;
    }

    static FakeMeter available(String name, boolean measured) {
        return new FakeMeter(name, measured, Availability.available(name + " works"), nanos -> 0);
    }

    static FakeMeter unavailable(String name, String reason) {
        return new FakeMeter(name, true, Availability.unavailable(reason), nanos -> 0);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean measured() {
        return measured;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public EnergySession start() {
        if (!availability.available()) {
            throw new MeterUnavailableException(name + " is unavailable: " + availability.detail());
        }
        sessionsStarted++;
        long start = System.nanoTime();
        double startJoules = energy.joulesAt(start);
        return new EnergySession() {
            @Override
            public EnergyReading read() {
                long now = System.nanoTime();
                double joules = energy.joulesAt(now) - startJoules;
                return new EnergyReading(name, measured, joules, now - start, Map.of(name, joules));
            }

            @Override
            public void close() {
            }
        };
    }
}
