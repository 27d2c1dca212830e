package io.greenai.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.greenai.core.GreenAiException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class NvmlMeterTest {

    private static final Duration PERIOD = Duration.ofMillis(5);

    @Test
    void constructor_loadsNothing() {
        AtomicInteger loads = new AtomicInteger();

        new NvmlMeter(() -> {
            loads.incrementAndGet();
            return new FakeNvml(1);
        }, true, PERIOD);

        assertThat(loads).hasValue(0);
    }

    @Test
    void availability_loadsOnceAndPairsInitWithShutdown() {
        AtomicInteger loads = new AtomicInteger();
        FakeNvml nvml = new FakeNvml(1);
        NvmlMeter meter = new NvmlMeter(() -> {
            loads.incrementAndGet();
            return nvml;
        }, true, PERIOD);

        assertThat(meter.availability().available()).isTrue();
        assertThat(meter.availability().detail()).isEqualTo("gpu0 Fake GPU 0 (energy counter)");

        assertThat(loads).hasValue(1);
        assertThat(nvml.shutdownCount).isEqualTo(nvml.initCount).isEqualTo(1);
    }

    @Test
    void availability_reportsLibraryThatDoesNotLoad() {
        NvmlMeter meter = new NvmlMeter(() -> {
            throw new UnsatisfiedLinkError("Unable to load library 'nvidia-ml'");
        }, true, PERIOD);

        Availability availability = meter.availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains("libnvidia-ml could not be loaded")
                .contains("Unable to load library 'nvidia-ml'");
        assertThatThrownBy(meter::start).isInstanceOf(MeterUnavailableException.class)
                .hasMessageContaining("Unable to load library 'nvidia-ml'");
    }

    @Test
    void jnaLoader_reportsMissingLibraryAsUnavailable() {
        NvmlMeter meter = new NvmlMeter(JnaNvml.loader(List.of("greenai-no-such-nvml")), true, PERIOD);

        Availability availability = meter.availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains("greenai-no-such-nvml");
    }

    @Test
    void nvml_reportsUnavailableOnMachineWithoutGpu() {
        Availability availability = EnergyMeters.nvml().availability();
        Assumptions.assumeFalse(availability.available(),
                "this machine has an NVIDIA driver and GPU; run greenai-benchmarks/scripts/nvml-check.sh instead");

        assertThat(availability.detail()).contains("libnvidia-ml could not be loaded").contains("nvidia-ml");
    }

    @Test
    void availability_reportsInitFailure() {
        FakeNvml nvml = new FakeNvml(1);
        nvml.initFailure = new GreenAiException("nvmlInit_v2() failed: Driver Not Loaded (nvmlReturn_t 9)");

        Availability availability = new NvmlMeter(() -> nvml, true, PERIOD).availability();

        assertThat(availability).isEqualTo(Availability.unavailable(
                "nvmlInit_v2() failed: Driver Not Loaded (nvmlReturn_t 9)"));
    }

    @Test
    void availability_reportsNoGpu() {
        Availability availability = new NvmlMeter(() -> new FakeNvml(0), true, PERIOD).availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains("no GPU");
    }

    @Test
    void read_usesEnergyCounterAndSamplesGpuWithoutOne() {
        FakeNvml nvml = new FakeNvml(2);
        nvml.energyMillijoules[0] = 10_000;
        nvml.hasEnergyCounter[1] = false;
        nvml.powerMilliwatts[1] = 150_000;
        NvmlMeter meter = new NvmlMeter(() -> nvml, true, PERIOD);
        assertThat(meter.availability().detail()).isEqualTo(
                "gpu0 Fake GPU 0 (energy counter), gpu1 Fake GPU 1 (power sampled every 5 ms)");

        EnergyReading reading;
        try (EnergySession session = meter.start()) {
            synchronized (nvml) {
                nvml.energyMillijoules[0] = 12_500;
            }
            sleep(30);
            reading = session.read();
        }

        // gpu0: 12,500 - 10,000 mJ = 2.5 J; gpu1: a constant 150 W over the session
        assertThat(reading.joulesByDomain().get("gpu0")).isCloseTo(2.5, within(1e-12));
        assertThat(reading.joulesByDomain().get("gpu1")).isCloseTo(150 * reading.seconds(), within(1e-9));
        assertThat(reading.joules()).isCloseTo(2.5 + 150 * reading.seconds(), within(1e-9));
        assertThat(reading.meter()).isEqualTo("nvml");
        assertThat(reading.measured()).isTrue();
        assertThat(nvml.shutdownCount).isEqualTo(nvml.initCount).isEqualTo(2);
    }

    @Test
    void read_integratesPowerThatChanges() {
        FakeNvml nvml = new FakeNvml(1);
        nvml.powerMilliwatts[0] = 100_000;
        NvmlMeter meter = new NvmlMeter(() -> nvml, false, PERIOD);

        EnergyReading first;
        EnergyReading second;
        try (EnergySession session = meter.start()) {
            sleep(40);
            first = session.read();
            synchronized (nvml) {
                nvml.powerMilliwatts[0] = 300_000;
            }
            sleep(40);
            second = session.read();
        }

        // Up to the first read: 100 W throughout. After it, the trapezoid rule sees at most one
        // interval (<= one sample period) ramping from 100 W to 300 W, the rest at 300 W.
        assertThat(first.joules()).isCloseTo(100 * first.seconds(), within(1e-9));
        double after = second.seconds() - first.seconds();
        double upper = first.joules() + 300 * after;
        double lower = upper - (300 - 100) / 2.0 * Math.min(after, 2 * PERIOD.toNanos() / 1e9);
        assertThat(second.joules()).isBetween(lower - 1e-9, upper + 1e-9);
    }

    @Test
    void close_stopsSamplerAndRejectsReads() {
        FakeNvml nvml = new FakeNvml(1);
        nvml.hasEnergyCounter[0] = false;
        nvml.powerMilliwatts[0] = 50_000;
        EnergySession session = new NvmlMeter(() -> nvml, true, PERIOD).start();

        session.close();
        session.close();

        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
                thread -> thread.getName().equals("greenai-nvml-power-sampler"));
        assertThatThrownBy(session::read).isInstanceOf(IllegalStateException.class);
        assertThat(nvml.shutdownCount).isEqualTo(nvml.initCount);
    }

    @Test
    void constructor_rejectsZeroSamplePeriod() {
        assertThatThrownBy(() -> new NvmlMeter(() -> new FakeNvml(1), false, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
