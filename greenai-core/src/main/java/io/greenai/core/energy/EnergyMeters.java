package io.greenai.core.energy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes energy meters and chooses the best one available.
 *
 * <p>{@link #best()} reads the CPU with RAPL when its counters can be read and otherwise estimates
 * it from CPU time; it adds the NVIDIA GPUs through NVML when the driver is present. The result is
 * measured only when every part is measured. Making a meter does no work: hardware is probed on
 * the first {@link EnergyMeter#availability()} or {@link EnergyMeter#start()}.
 */
public final class EnergyMeters {

    private EnergyMeters() {
    }

    /**
     * RAPL package counters under {@code /sys/class/powercap}.
     *
     * @return the meter
     */
    public static EnergyMeter rapl() {
        return rapl(RaplMeter.DEFAULT_ROOT);
    }

    /**
     * RAPL package counters under another powercap folder (a copy, a container mount).
     *
     * @param powercapRoot the folder that holds {@code intel-rapl:N} zones
     * @return the meter
     */
    public static EnergyMeter rapl(Path powercapRoot) {
        return new RaplMeter(powercapRoot);
    }

    /**
     * NVIDIA GPUs through NVML: the energy counter where the GPU has one (Volta and newer), sampled
     * power otherwise. libnvidia-ml is loaded on the first probe.
     *
     * @return the meter
     */
    public static EnergyMeter nvml() {
        return new NvmlMeter(JnaNvml.loader(JnaNvml.LIBRARY_NAMES), true, NvmlMeter.DEFAULT_SAMPLE_PERIOD);
    }

    /**
     * NVIDIA GPUs through NVML, always by sampling {@code nvmlDeviceGetPowerUsage}, even on GPUs
     * with an energy counter (to compare the two, or where the counter is unreliable).
     *
     * @param samplePeriod time between samples, e.g. 50 ms
     * @return the meter
     * @throws IllegalArgumentException if the period is not positive
     */
    public static EnergyMeter nvmlPowerSampling(Duration samplePeriod) {
        return new NvmlMeter(JnaNvml.loader(JnaNvml.LIBRARY_NAMES), false, samplePeriod);
    }

    /**
     * Estimates CPU energy from this process's CPU time, with the per-core power looked up for this
     * machine's CPU ({@link CpuPower#detect()}).
     *
     * @return the estimator, labelled estimated
     */
    public static EnergyMeter cpuEstimate() {
        return cpuEstimate(CpuPower.detect());
    }

    /**
     * Estimates CPU energy from this process's CPU time with the given per-core power.
     *
     * @param power e.g. {@code CpuPower.ofTdp(280, 64)}
     * @return the estimator, labelled estimated
     */
    public static EnergyMeter cpuEstimate(CpuPower power) {
        return new CpuEstimateMeter(power, CpuEstimateMeter.processCpuTime());
    }

    /**
     * Chooses the best meter on this machine; the CPU estimate, if needed, uses
     * {@link CpuPower#detect()}.
     *
     * @return the meter and the reasons for and against each candidate
     * @throws MeterUnavailableException if no meter at all can be used, with every reason
     */
    public static MeterChoice best() {
        return best(CpuPower.detect());
    }

    /**
     * Chooses the best meter on this machine, with this per-core power for the CPU estimate.
     *
     * @param estimatePower used only when RAPL cannot be read
     * @return the meter and the reasons for and against each candidate
     * @throws MeterUnavailableException if no meter at all can be used, with every reason
     */
    public static MeterChoice best(CpuPower estimatePower) {
        return best(estimatePower, RaplMeter.DEFAULT_ROOT);
    }

    /**
     * Chooses the best meter, reading RAPL zones from another powercap folder (a container that
     * mounts the host's powercap tree elsewhere).
     *
     * @param estimatePower used only when RAPL cannot be read
     * @param powercapRoot the folder that holds {@code intel-rapl:N} zones
     * @return the meter and the reasons for and against each candidate
     * @throws MeterUnavailableException if no meter at all can be used, with every reason
     */
    public static MeterChoice best(CpuPower estimatePower, Path powercapRoot) {
        return choose(rapl(powercapRoot), nvml(), cpuEstimate(estimatePower));
    }

    /**
     * The choice rules: the CPU from RAPL, else from the estimate; the GPUs from NVML when present.
     */
    static MeterChoice choose(EnergyMeter rapl, EnergyMeter nvml, EnergyMeter estimate) {
        List<EnergyMeter> used = new ArrayList<>();
        List<MeterChoice.Candidate> candidates = new ArrayList<>();
        Availability raplStatus = rapl.availability();
        if (raplStatus.available()) {
            used.add(rapl);
            candidates.add(new MeterChoice.Candidate(rapl.name(), true, "measures the CPU: " + raplStatus.detail()));
        } else {
            candidates.add(new MeterChoice.Candidate(rapl.name(), false, raplStatus.detail()));
        }
        Availability nvmlStatus = nvml.availability();
        if (nvmlStatus.available()) {
            used.add(nvml);
            candidates.add(new MeterChoice.Candidate(nvml.name(), true, "measures the GPUs: " + nvmlStatus.detail()));
        } else {
            candidates.add(new MeterChoice.Candidate(nvml.name(), false, nvmlStatus.detail()));
        }
        if (raplStatus.available()) {
            candidates.add(new MeterChoice.Candidate(estimate.name(), false,
                    "not needed: RAPL measures the CPU"));
        } else {
            Availability estimateStatus = estimate.availability();
            if (estimateStatus.available()) {
                used.add(0, estimate);
                candidates.add(new MeterChoice.Candidate(estimate.name(), true,
                        "estimates the CPU because RAPL cannot be read: " + estimateStatus.detail()));
            } else {
                candidates.add(new MeterChoice.Candidate(estimate.name(), false, estimateStatus.detail()));
            }
        }
        if (used.isEmpty()) {
            StringBuilder reasons = new StringBuilder("no energy meter can be used on this machine:");
            candidates.forEach(candidate -> reasons.append(' ').append(candidate).append(';'));
            throw new MeterUnavailableException(reasons.toString());
        }
        EnergyMeter meter = used.size() == 1 ? used.get(0) : new CompositeMeter(used);
        return new MeterChoice(meter, candidates);
    }
}
