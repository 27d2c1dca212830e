package io.greenai.core.energy;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Estimates CPU energy as the process's CPU time times the power of one busy core
 * ({@link CpuPower}). The process CPU time includes native threads (ONNX Runtime's thread pool),
 * which per-thread Java counters would miss. Always labelled estimated.
 */
final class CpuEstimateMeter implements EnergyMeter {

    private final CpuPower power;
    private final LongSupplier processCpuNanos;

    /**
     * Creates the estimator.
     *
     * @param power watts per busy core
     * @param processCpuNanos CPU time used by this process so far, in nanoseconds; negative if the
     *     platform cannot tell
     */
    CpuEstimateMeter(CpuPower power, LongSupplier processCpuNanos) {
        this.power = power;
        this.processCpuNanos = processCpuNanos;
    }

    /**
     * Returns the process CPU time of this JVM: all its threads, native ones included, where the
     * JDK offers it ({@code com.sun.management}); otherwise the sum over live Java threads.
     *
     * @return nanoseconds, or -1 where neither is supported
     */
    static LongSupplier processCpuTime() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot && hotspot.getProcessCpuTime() >= 0) {
            return hotspot::getProcessCpuTime;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return () -> -1;
        }
        return () -> {
            long sum = 0;
            for (long id : threads.getAllThreadIds()) {
                sum += Math.max(0, threads.getThreadCpuTime(id));
            }
            return sum;
        };
    }

    CpuPower power() {
        return power;
    }

    @Override
    public String name() {
        return "cpu-estimate";
    }

    @Override
    public boolean measured() {
        return false;
    }

    @Override
    public Availability availability() {
        if (processCpuNanos.getAsLong() < 0) {
            return Availability.unavailable("this JVM cannot report the process's CPU time");
        }
        return Availability.available("process CPU time x " + power);
    }

    @Override
    public EnergySession start() {
        Availability status = availability();
        if (!status.available()) {
            throw new MeterUnavailableException("CPU estimate is unavailable: " + status.detail());
        }
        long startCpu = processCpuNanos.getAsLong();
        long startNanos = System.nanoTime();
        return new EnergySession() {
            private boolean closed;

            @Override
            public synchronized EnergyReading read() {
                if (closed) {
                    throw new IllegalStateException("the CPU-estimate session is closed");
                }
                long now = System.nanoTime();
                double cpuSeconds = (processCpuNanos.getAsLong() - startCpu) / 1e9;
                double joules = cpuSeconds * power.wattsPerCore();
                return new EnergyReading(name(), false, joules, now - startNanos, Map.of("process-cpu", joules));
            }

            @Override
            public synchronized void close() {
                closed = true;
            }
        };
    }
}
