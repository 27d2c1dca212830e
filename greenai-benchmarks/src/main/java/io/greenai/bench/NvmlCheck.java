package io.greenai.bench;

import io.greenai.core.energy.Availability;
import io.greenai.core.energy.EnergyMeter;
import io.greenai.core.energy.EnergyMeters;
import io.greenai.core.energy.EnergyReading;
import io.greenai.core.energy.EnergySession;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Runs the NVML meter for real on a machine with NVIDIA GPUs: reads each GPU through its energy
 * counter and, over the same seconds, by sampling its power, and checks that the two agree.
 * {@code scripts/nvml-check.sh} runs it.
 *
 * <p>Exit status: 0 when every GPU's two figures agree within 25%; 1 when they do not; 2 when
 * NVML is unavailable (the reason is printed).
 */
public final class NvmlCheck {

    /** Largest relative difference accepted between counter and sampled energy. */
    static final double TOLERANCE = 0.25;

    private NvmlCheck() {
    }

    /**
     * Runs the check.
     *
     * @param args optional: the seconds to measure, default 5
     */
    public static void main(String[] args) {
        Duration duration = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 5);
        System.exit(run(EnergyMeters.nvml(), EnergyMeters.nvmlPowerSampling(Duration.ofMillis(20)), duration,
                System.out));
    }

    /**
     * Measures with both meters over the same time and compares them GPU by GPU.
     *
     * @param counter the NVML meter (energy counter where the GPU has one)
     * @param sampled the NVML meter that samples power
     * @param duration how long to measure
     * @param out where the report goes
     * @return the exit status: 0 agree, 1 disagree, 2 unavailable
     */
    static int run(EnergyMeter counter, EnergyMeter sampled, Duration duration, PrintStream out) {
        Availability availability = counter.availability();
        out.println("nvml: " + availability);
        if (!availability.available()) {
            return 2;
        }
        out.println("nvml-sampled: " + sampled.availability());
        EnergyReading fromCounter;
        EnergyReading fromSamples;
        try (EnergySession first = counter.start(); EnergySession second = sampled.start()) {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.println("interrupted");
                return 1;
            }
            fromCounter = first.read();
            fromSamples = second.read();
        }
        int status = 0;
        out.printf(Locale.ROOT, "%-6s %12s %10s %12s %10s %8s%n", "gpu", "counter J", "W", "sampled J", "W", "diff");
        for (String gpu : fromCounter.joulesByDomain().keySet()) {
            double a = fromCounter.joulesByDomain().get(gpu);
            double b = fromSamples.joulesByDomain().getOrDefault(gpu, Double.NaN);
            double difference = Math.abs(a - b) / Math.max(Math.abs(b), 1e-9);
            boolean agree = difference <= TOLERANCE;
            out.printf(Locale.ROOT, "%-6s %12.2f %10.1f %12.2f %10.1f %7.1f%% %s%n", gpu, a, a / fromCounter.seconds(),
                    b, b / fromSamples.seconds(), 100 * difference, agree ? "ok" : "DISAGREE");
            if (!agree) {
                status = 1;
            }
        }
        return status;
    }
}
