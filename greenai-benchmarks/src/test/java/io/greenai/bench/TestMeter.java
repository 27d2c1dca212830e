package io.greenai.bench;

import io.greenai.core.energy.Availability;
import io.greenai.core.energy.EnergyMeter;
import io.greenai.core.energy.EnergyReading;
import io.greenai.core.energy.EnergySession;
import io.greenai.core.energy.MeterUnavailableException;
import java.util.Map;

/** A meter that reads a constant power on one domain ({@code gpu0}), or is unavailable with a reason. */
final class TestMeter implements EnergyMeter {

    private final String name;
    private final Availability availability;
    private final double watts;
    private final boolean measured;

    TestMeter(String name, Availability availability, double watts) {
        this(name, availability, watts, true);
    }

    TestMeter(String name, Availability availability, double watts, boolean measured) {
        this.name = name;
        this.availability = availability;
        this.watts = watts;
        this.measured = measured;
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
            throw new MeterUnavailableException(availability.detail());
        }
        long start = System.nanoTime();
        return new EnergySession() {
            @Override
            public EnergyReading read() {
                long elapsed = System.nanoTime() - start;
                double joules = watts * elapsed / 1e9;
                return new EnergyReading(name, measured, joules, elapsed, Map.of("gpu0", joules));
            }

            @Override
            public void close() {
            }
        };
    }
}
