package io.greenai.core.energy;

import java.util.OptionalLong;

/**
 * The few NVML calls the GPU meter needs, in plain Java types. {@link JnaNvml} binds them to
 * libnvidia-ml; tests use a fake. Every method except {@link #totalEnergyMillijoules} throws
 * {@link io.greenai.core.GreenAiException} naming the NVML call and its error when it fails.
 */
interface Nvml {

    /** {@code nvmlInit_v2}; NVML counts initialisations, so each must be paired with {@link #shutdown()}. */
    void init();

    /** {@code nvmlShutdown}. */
    void shutdown();

    /** {@code nvmlDeviceGetCount_v2}. */
    int deviceCount();

    /** {@code nvmlDeviceGetName}. */
    String deviceName(int device);

    /**
     * {@code nvmlDeviceGetTotalEnergyConsumption}: millijoules since the driver was last loaded.
     *
     * @return the counter, or empty if the GPU does not support it (older than Volta)
     */
    OptionalLong totalEnergyMillijoules(int device);

    /** {@code nvmlDeviceGetPowerUsage}: the board's power draw in milliwatts. */
    long powerMilliwatts(int device);
}
