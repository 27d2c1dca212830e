package io.greenai.core.energy;

/**
 * A measuring meter that probes its hardware once, on first use, and starts sessions only when that
 * probe found it available: what {@link RaplMeter} and {@link NvmlMeter} share.
 */
abstract class ProbedMeter implements EnergyMeter {

    private final String name;
    private final String label;
    private Availability availability;

    /**
     * Creates the meter; probes nothing yet.
     *
     * @param name the meter's name, as {@link #name()} returns it
     * @param label what the unavailable message calls the meter ({@code RAPL}, {@code NVML})
     */
    ProbedMeter(String name, String label) {
        this.name = name;
        this.label = label;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean measured() {
        return true;
    }

    @Override
    public final synchronized Availability availability() {
        if (availability == null) {
            availability = probe();
        }
        return availability;
    }

    @Override
    public final EnergySession start() {
        Availability status = availability();
        if (!status.available()) {
            throw new MeterUnavailableException(label + " meter is unavailable: " + status.detail());
        }
        return open();
    }

    /** Looks at the hardware once; called under this meter's lock, on the first {@link #availability()}. */
    abstract Availability probe();

    /** Starts a session; called only after {@link #probe()} found the meter available. */
    abstract EnergySession open();
}
