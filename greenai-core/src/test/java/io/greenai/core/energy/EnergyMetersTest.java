package io.greenai.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnergyMetersTest {

    @Test
    void choose_addsRaplAndNvmlWhenBothCanBeRead() {
        MeterChoice choice = EnergyMeters.choose(FakeMeter.available("rapl", true), FakeMeter.available("nvml", true),
                FakeMeter.available("cpu-estimate", false));

        assertThat(choice.meter().name()).isEqualTo("rapl+nvml");
        assertThat(choice.meter().measured()).isTrue();
        assertThat(choice.candidates()).containsExactly(
                new MeterChoice.Candidate("rapl", true, "measures the CPU: rapl works"),
                new MeterChoice.Candidate("nvml", true, "measures the GPUs: nvml works"),
                new MeterChoice.Candidate("cpu-estimate", false, "not needed: RAPL measures the CPU"));
    }

    @Test
    void choose_estimatesCpuWhenRaplCannotBeRead() {
        MeterChoice choice = EnergyMeters.choose(
                FakeMeter.unavailable("rapl", "/sys/class/powercap does not exist"),
                FakeMeter.unavailable("nvml", "libnvidia-ml could not be loaded"),
                FakeMeter.available("cpu-estimate", false));

        assertThat(choice.meter().name()).isEqualTo("cpu-estimate");
        assertThat(choice.meter().measured()).isFalse();
        assertThat(choice.candidates()).containsExactly(
                new MeterChoice.Candidate("rapl", false, "/sys/class/powercap does not exist"),
                new MeterChoice.Candidate("nvml", false, "libnvidia-ml could not be loaded"),
                new MeterChoice.Candidate("cpu-estimate", true,
                        "estimates the CPU because RAPL cannot be read: cpu-estimate works"));
        assertThat(choice.explain()).startsWith("energy meter: cpu-estimate (estimated)")
                .contains("rapl: not used: /sys/class/powercap does not exist");
    }

    @Test
    void choose_labelsEstimatePlusGpuAsEstimated() {
        MeterChoice choice = EnergyMeters.choose(FakeMeter.unavailable("rapl", "no powercap"),
                FakeMeter.available("nvml", true), FakeMeter.available("cpu-estimate", false));

        assertThat(choice.meter().name()).isEqualTo("cpu-estimate+nvml");
        assertThat(choice.meter().measured()).isFalse();
    }

    @Test
    void choose_throwsWithEveryReasonWhenNothingWorks() {
        assertThatThrownBy(() -> EnergyMeters.choose(FakeMeter.unavailable("rapl", "no powercap"),
                FakeMeter.unavailable("nvml", "no driver"), FakeMeter.unavailable("cpu-estimate", "no CPU time")))
                .isInstanceOf(MeterUnavailableException.class)
                .hasMessageContaining("no powercap").hasMessageContaining("no driver").hasMessageContaining("no CPU time");
    }

    @Test
    void best_explainsEveryCandidateOnThisMachine() {
        MeterChoice choice = EnergyMeters.best();

        assertThat(choice.candidates()).extracting(MeterChoice.Candidate::name)
                .containsExactly("rapl", "nvml", "cpu-estimate");
        assertThat(choice.candidates()).anyMatch(MeterChoice.Candidate::used);
        assertThat(choice.meter().availability().available()).isTrue();
    }

    @Test
    void composite_addsPartsAndMergesDomains() {
        FakeMeter cpu = new FakeMeter("cpu", true, Availability.available("cpu"), nanos -> 0);
        FakeMeter gpu = new FakeMeter("gpu", true, Availability.available("gpu"), nanos -> 0);
        CompositeMeter meter = new CompositeMeter(List.of(cpu, gpu));

        try (EnergySession session = meter.start()) {
            EnergyReading reading = session.read();

            assertThat(reading.joules()).isZero();
            assertThat(reading.joulesByDomain()).containsExactly(Map.entry("cpu", 0.0), Map.entry("gpu", 0.0));
            assertThat(reading.meter()).isEqualTo("cpu+gpu");
        }
        assertThat(cpu.sessionsStarted).isEqualTo(gpu.sessionsStarted).isEqualTo(1);
    }

    @Test
    void composite_sumsEnergy() {
        long origin = System.nanoTime();
        FakeMeter cpu = new FakeMeter("cpu", true, Availability.available("cpu"), nanos -> (nanos - origin) * 2e-9);
        FakeMeter gpu = new FakeMeter("gpu", false, Availability.available("gpu"), nanos -> (nanos - origin) * 3e-9);
        CompositeMeter meter = new CompositeMeter(List.of(cpu, gpu));

        try (EnergySession session = meter.start()) {
            EnergyReading reading = session.read();

            assertThat(reading.joules()).isCloseTo(reading.joulesByDomain().get("cpu")
                    + reading.joulesByDomain().get("gpu"), within(1e-12));
            assertThat(reading.measured()).isFalse();
        }
    }
}
