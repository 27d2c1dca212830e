package io.greenai.core.energy;

import io.greenai.core.GreenAiException;
import io.greenai.core.carbon.CarbonIntensity;
import io.greenai.core.carbon.EmbodiedCarbon;
import io.greenai.core.carbon.Pue;
import io.greenai.core.carbon.Sci;
import java.time.Duration;
import java.util.Objects;

/**
 * Measures the energy and emissions of one run of a workload, such as one inference.
 *
 * <pre>{@code
 * EnergyReport report = EnergyMeasurement.of(() -> session.run(inputs))
 *         .warmupRuns(10)
 *         .runs(200)
 *         .carbonIntensity(CarbonIntensity.JAPAN)
 *         .run();
 * report.joulesPerRun();      // J per inference, idle power subtracted where measured
 * report.gramsCo2ePerRun();   // g CO2e per inference (SCI)
 * report.meter();             // e.g. "cpu-estimate"
 * report.measured();          // false: the figure is an estimate
 * }</pre>
 *
 * <p>{@link #run()} runs the workload {@code warmupRuns} times unmeasured; then, if the meter
 * measures hardware, it reads the idle power over the {@link #idle idle} time, with nothing
 * running; then it runs the workload {@code runs} times in one session and subtracts the idle power
 * over that time. A CPU-time estimate counts only this process's work, so no idle power is read or
 * subtracted for it. Choose enough runs for the session to last a second or more: RAPL counters
 * update about every millisecond, NVML energy counters and power readings far less often.
 *
 * <p>Every setting is optional and may be set once; the object can run again. Defaults: the meter
 * from {@link EnergyMeters#best()}, 5 warm-up runs, 50 runs, 2 s idle, {@link CarbonIntensity#WORLD},
 * {@link Pue#NONE}, no embodied emissions.
 */
public final class EnergyMeasurement {

    /** While runs go on, read the session this often so that counter wraps are never missed. */
    private static final long READ_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final Runnable workload;
    private EnergyMeter meter;
    private Integer warmupRuns;
    private Integer runs;
    private Duration idle;
    private CarbonIntensity intensity;
    private Pue pue;
    private EmbodiedCarbon embodied;

    private EnergyMeasurement(Runnable workload) {
        this.workload = Objects.requireNonNull(workload, "workload");
    }

    /**
     * Starts describing a measurement of {@code workload}.
     *
     * @param workload one run, e.g. one inference; it is called warm-up plus measured times
     * @return a measurement with default settings
     */
    public static EnergyMeasurement of(Runnable workload) {
        return new EnergyMeasurement(workload);
    }

    /**
     * Uses this meter instead of {@link EnergyMeters#best()}.
     *
     * @param meter the meter
     * @return this measurement
     * @throws IllegalStateException if the meter was already set
     */
    public EnergyMeasurement meter(EnergyMeter meter) {
        Objects.requireNonNull(meter, "meter");
        if (this.meter != null) {
            throw new IllegalStateException("meter was already set to " + this.meter.name());
        }
        this.meter = meter;
        return this;
    }

    /**
     * Sets the unmeasured runs made first (class loading, JIT, caches).
     *
     * @param count at least 0; default 5
     * @return this measurement
     * @throws IllegalArgumentException if the count is negative
     * @throws IllegalStateException if it was already set
     */
    public EnergyMeasurement warmupRuns(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("warm-up runs must be >= 0: " + count);
        }
        if (warmupRuns != null) {
            throw new IllegalStateException("warmupRuns was already set to " + warmupRuns);
        }
        warmupRuns = count;
        return this;
    }

    /**
     * Sets the measured runs; the energy is divided by this number.
     *
     * @param count at least 1; default 50
     * @return this measurement
     * @throws IllegalArgumentException if the count is below 1
     * @throws IllegalStateException if it was already set
     */
    public EnergyMeasurement runs(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("runs must be >= 1: " + count);
        }
        if (runs != null) {
            throw new IllegalStateException("runs was already set to " + runs);
        }
        runs = count;
        return this;
    }

    /**
     * Sets how long idle power is read before the runs, when the meter measures hardware.
     *
     * @param duration at least 0; {@link Duration#ZERO} subtracts nothing; default 2 s
     * @return this measurement
     * @throws IllegalArgumentException if the duration is negative
     * @throws IllegalStateException if it was already set
     */
    public EnergyMeasurement idle(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("idle time must be >= 0: " + duration);
        }
        if (idle != null) {
            throw new IllegalStateException("idle was already set to " + idle);
        }
        idle = duration;
        return this;
    }

    /**
     * Sets the grid's carbon intensity.
     *
     * @param value e.g. {@link CarbonIntensity#JAPAN} or {@code CarbonIntensity.of(120)}; default
     *     {@link CarbonIntensity#WORLD}
     * @return this measurement
     * @throws IllegalStateException if it was already set
     */
    public EnergyMeasurement carbonIntensity(CarbonIntensity value) {
        Objects.requireNonNull(value, "value");
        if (intensity != null) {
            throw new IllegalStateException("carbonIntensity was already set to " + intensity);
        }
        intensity = value;
        return this;
    }

    /**
     * Sets the data centre's power usage effectiveness.
     *
     * @param value e.g. {@link Pue#UPTIME_2023_AVERAGE}; default {@link Pue#NONE}
     * @return this measurement
     * @throws IllegalStateException if it was already set
     */
    public EnergyMeasurement pue(Pue value) {
        Objects.requireNonNull(value, "value");
        if (pue != null) {
            throw new IllegalStateException("pue was already set to " + pue);
        }
        pue = value;
        return this;
    }

    /**
     * Adds the hardware's embodied emissions for the time the runs held it.
     *
     * @param value the machine's embodied emissions, lifespan and the share used; default none
     * @return this measurement
     * @throws IllegalStateException if it was already set
     */
    public EnergyMeasurement embodied(EmbodiedCarbon value) {
        Objects.requireNonNull(value, "value");
        if (embodied != null) {
            throw new IllegalStateException("embodied was already set to " + embodied);
        }
        embodied = value;
        return this;
    }

    /**
     * Warms up, reads idle power where the meter measures it, runs the workload and reports.
     *
     * @return energy and emissions per run, with the meter and the method
     * @throws MeterUnavailableException if the meter cannot be used here
     * @throws GreenAiException if a reading fails or the thread is interrupted while idle
     * @throws RuntimeException whatever the workload throws
     */
    public EnergyReport run() {
        EnergyMeter chosen = meter != null ? meter : EnergyMeters.best().meter();
        int warmups = warmupRuns != null ? warmupRuns : 5;
        int measuredRuns = runs != null ? runs : 50;
        Duration idleTime = idle != null ? idle : Duration.ofSeconds(2);
        for (int i = 0; i < warmups; i++) {
            workload.run();
        }
        double idleWatts = chosen.measured() && !idleTime.isZero() ? idleWatts(chosen, idleTime) : 0;
        EnergyReading reading;
        try (EnergySession session = chosen.start()) {
            long lastRead = System.nanoTime();
            for (int i = 0; i < measuredRuns; i++) {
                workload.run();
                if (System.nanoTime() - lastRead > READ_EVERY_NANOS) {
                    session.read();
                    lastRead = System.nanoTime();
                }
            }
            reading = session.read();
        }
        double netJoules = Math.max(0, reading.joules() - idleWatts * reading.seconds());
        double embodiedGrams = (embodied != null ? embodied : EmbodiedCarbon.NONE)
                .gramsFor(Duration.ofNanos(reading.elapsedNanos()));
        Sci sci = new Sci(netJoules, intensity != null ? intensity : CarbonIntensity.WORLD,
                pue != null ? pue : Pue.NONE, embodiedGrams, measuredRuns);
        return new EnergyReport(reading.meter(), reading.measured(), measuredRuns, reading.elapsedNanos(),
                reading.joules(), idleWatts, netJoules, sci);
    }

    private static double idleWatts(EnergyMeter meter, Duration idleTime) {
        try (EnergySession session = meter.start()) {
            Thread.sleep(idleTime.toMillis(), idleTime.toNanosPart() % 1_000_000);
            return session.read().watts();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GreenAiException("interrupted while reading idle power with " + meter.name(), e);
        }
    }
}
