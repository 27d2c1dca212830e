package io.greenai.core.energy;

/**
 * A source of energy figures: a hardware counter (RAPL, NVML) or an estimate.
 *
 * <p>Making a meter does no work; the first call to {@link #availability()} or {@link #start()}
 * probes the hardware once. Meters are thread-safe and hold no native resources between sessions.
 */
public interface EnergyMeter {

    /**
     * Returns the meter's short name, as printed beside every figure it produces.
     *
     * @return e.g. {@code rapl}, {@code nvml}, {@code cpu-estimate} or {@code rapl+nvml}
     */
    String name();

    /**
     * Tells whether the figures are measured by hardware, or estimated from a model.
     *
     * @return true for hardware counters and sensors; false if any part is estimated
     */
    boolean measured();

    /**
     * Probes the meter (once; the answer is kept) and says whether it can be used here.
     *
     * @return available with what will be read, or unavailable with the reason; never throws
     */
    Availability availability();

    /**
     * Starts a session that reads the energy used from now on.
     *
     * @return a new session, to be closed
     * @throws MeterUnavailableException if {@link #availability()} is unavailable (with its reason)
     * @throws io.greenai.core.GreenAiException if the first reading fails
     */
    EnergySession start();
}
