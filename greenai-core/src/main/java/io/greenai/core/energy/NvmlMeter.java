package io.greenai.core.energy;

import io.greenai.core.GreenAiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads NVIDIA GPU energy through NVML.
 *
 * <p>Each GPU that has the total-energy counter ({@code nvmlDeviceGetTotalEnergyConsumption},
 * millijoules, Volta and newer) is read from it. Older GPUs, or every GPU when the meter is made to
 * sample, are read by sampling {@code nvmlDeviceGetPowerUsage} on a background thread and
 * integrating with the trapezoid rule; the board updates that figure only every few tens of
 * milliseconds (and averages it over up to a second on recent GPUs), so sampled energy is coarser.
 * Both are measurements of the whole board, not of one process.
 *
 * <p>The library is loaded on the first probe, never before, and a machine without it gets an
 * unavailable answer with the reason instead of an exception.
 */
final class NvmlMeter extends ProbedMeter {

    /** How often power is sampled when a GPU has no energy counter. */
    static final Duration DEFAULT_SAMPLE_PERIOD = Duration.ofMillis(50);

    /** One GPU and how it is read. */
    record Device(int index, String name, boolean energyCounter) {

        String domain() {
            return "gpu" + index;
        }
    }

    private final NvmlLoader loader;
    private final boolean useEnergyCounter;
    private final Duration samplePeriod;
    private Nvml nvml;
    private List<Device> devices;

    /**
     * Creates the meter; loads nothing.
     *
     * @param loader loads NVML on the first probe
     * @param useEnergyCounter read the energy counter where the GPU has one; false samples power on
     *     every GPU
     * @param samplePeriod time between power samples, positive
     */
    NvmlMeter(NvmlLoader loader, boolean useEnergyCounter, Duration samplePeriod) {
        super("nvml", "NVML");
        if (samplePeriod.isNegative() || samplePeriod.isZero()) {
            throw new IllegalArgumentException("sample period must be positive: " + samplePeriod);
        }
        this.loader = loader;
        this.useEnergyCounter = useEnergyCounter;
        this.samplePeriod = samplePeriod;
    }

    @Override
    EnergySession open() {
        return new Session(nvml, devices);
    }

    @Override
    Availability probe() {
        try {
            nvml = loader.load();
        } catch (LinkageError e) {
            return Availability.unavailable("libnvidia-ml could not be loaded, so this machine has no usable NVIDIA "
                    + "driver: " + e.getMessage());
        }
        try {
            nvml.init();
        } catch (GreenAiException e) {
            return Availability.unavailable(e.getMessage());
        }
        Availability result;
        try {
            result = inspectDevices();
        } catch (GreenAiException e) {
            result = Availability.unavailable(e.getMessage());
        }
        try {
            nvml.shutdown();
        } catch (GreenAiException e) {
            result = Availability.unavailable((result.available() ? "" : result.detail() + "; then ") + e.getMessage());
        }
        return result;
    }

    private Availability inspectDevices() {
        int count = nvml.deviceCount();
        if (count == 0) {
            return Availability.unavailable("NVML is loaded but reports no GPU");
        }
        List<Device> found = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String deviceName = nvml.deviceName(i);
            boolean counter = useEnergyCounter && nvml.totalEnergyMillijoules(i).isPresent();
            if (!counter) {
                nvml.powerMilliwatts(i);
            }
            Device device = new Device(i, deviceName, counter);
            found.add(device);
            described.add(device.domain() + " " + deviceName + (counter ? " (energy counter)"
                    : " (power sampled every " + samplePeriod.toMillis() + " ms)"));
        }
        devices = List.copyOf(found);
        return Availability.available(String.join(", ", described));
    }

    /** Reads counters directly and integrates sampled power on a daemon thread. */
    private final class Session implements EnergySession {

        private final Nvml nvml;
        private final List<Device> devices;
        private final long[] startMillijoules;
        private final PowerIntegrator[] integrators;
        private final long startNanos;
        private final Thread sampler;
        private volatile GreenAiException samplerFailure;
        private boolean closed;

        Session(Nvml nvml, List<Device> devices) {
            this.nvml = nvml;
            this.devices = devices;
            this.startMillijoules = new long[devices.size()];
            this.integrators = new PowerIntegrator[devices.size()];
            nvml.init();
            boolean sampling = false;
            try {
                synchronized (this) {
                    for (Device device : devices) {
                        if (device.energyCounter()) {
                            startMillijoules[device.index()] = counter(device);
                        } else {
                            integrators[device.index()] = new PowerIntegrator();
                            sampling = true;
                        }
                    }
                    startNanos = System.nanoTime();
                    samplePower(startNanos);
                }
            } catch (GreenAiException e) {
                nvml.shutdown();
                throw e;
            }
            sampler = sampling ? startSampler() : null;
        }

        private Thread startSampler() {
            Thread thread = new Thread(this::sampleUntilClosed, "greenai-nvml-power-sampler");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        private void sampleUntilClosed() {
            while (true) {
                try {
                    Thread.sleep(samplePeriod.toMillis(), samplePeriod.toNanosPart() % 1_000_000);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    try {
                        samplePower(System.nanoTime());
                    } catch (GreenAiException e) {
                        samplerFailure = e;
                        return;
                    }
                }
            }
        }

        private void samplePower(long nanos) {
            for (Device device : devices) {
                PowerIntegrator integrator = integrators[device.index()];
                if (integrator != null) {
                    integrator.add(nanos, nvml.powerMilliwatts(device.index()) / 1000.0);
                }
            }
        }

        private long counter(Device device) {
            OptionalLong value = nvml.totalEnergyMillijoules(device.index());
            if (value.isEmpty()) {
                throw new GreenAiException("nvmlDeviceGetTotalEnergyConsumption(device " + device.index()
                        + ") is no longer supported on " + device.name());
            }
            return value.getAsLong();
        }

        @Override
        public synchronized EnergyReading read() {
            if (closed) {
                throw new IllegalStateException("the NVML session is closed");
            }
            if (samplerFailure != null) {
                throw new GreenAiException("sampling GPU power failed: " + samplerFailure.getMessage(), samplerFailure);
            }
            long now = System.nanoTime();
            samplePower(now);
            Map<String, Double> domains = new LinkedHashMap<>();
            double total = 0;
            for (Device device : devices) {
                double joules = device.energyCounter()
                        ? (counter(device) - startMillijoules[device.index()]) / 1000.0
                        : integrators[device.index()].joules();
                domains.put(device.domain(), joules);
                total += joules;
            }
            return new EnergyReading(name(), true, total, now - startNanos, domains);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            if (sampler != null) {
                sampler.interrupt();
                try {
                    sampler.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            nvml.shutdown();
        }
    }
}
