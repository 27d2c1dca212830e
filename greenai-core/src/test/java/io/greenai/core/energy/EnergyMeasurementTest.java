package io.greenai.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.greenai.core.carbon.CarbonIntensity;
import io.greenai.core.carbon.EmbodiedCarbon;
import io.greenai.core.carbon.Pue;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EnergyMeasurementTest {

    /** A machine that idles at 40 W and spends 0.5 J more on each run of the workload. */
    private static final double IDLE_WATTS = 40;
    private static final double JOULES_PER_RUN = 0.5;

    private final AtomicInteger calls = new AtomicInteger();
    private final long origin = System.nanoTime();

    private FakeMeter meter(boolean measured) {
        return new FakeMeter("fake", measured, Availability.available("fake"),
                nanos -> IDLE_WATTS * (nanos - origin) / 1e9 + JOULES_PER_RUN * calls.get());
    }

    private void workload() {
        calls.incrementAndGet();
        long end = System.nanoTime() + 200_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void run_subtractsMeasuredIdlePower() {
        EnergyReport report = EnergyMeasurement.of(this::workload).meter(meter(true)).warmupRuns(3).runs(20)
                .idle(Duration.ofMillis(20)).run();

        assertThat(report.idleWatts()).isCloseTo(IDLE_WATTS, within(1e-6));
        assertThat(report.joulesPerRun()).isCloseTo(JOULES_PER_RUN, within(1e-6));
        assertThat(report.grossJoules()).isCloseTo(20 * JOULES_PER_RUN + IDLE_WATTS * report.elapsedNanos() / 1e9,
                within(1e-6));
        assertThat(report.measured()).isTrue();
        assertThat(report.method()).isEqualTo("measured");
        assertThat(report.meter()).isEqualTo("fake");
        assertThat(calls).hasValue(23);
    }

    @Test
    void run_doesNotSubtractIdlePowerFromEstimate() {
        FakeMeter estimate = meter(false);

        EnergyReport report = EnergyMeasurement.of(this::workload).meter(estimate).warmupRuns(0).runs(10)
                .idle(Duration.ofMillis(20)).run();

        assertThat(report.idleWatts()).isZero();
        assertThat(report.netJoules()).isEqualTo(report.grossJoules());
        assertThat(report.measured()).isFalse();
        assertThat(estimate.sessionsStarted).isEqualTo(1);
    }

    @Test
    void run_convertsEnergyToGramsPerRun() {
        EnergyReport report = EnergyMeasurement.of(this::workload).meter(meter(true)).warmupRuns(0).runs(10)
                .idle(Duration.ofMillis(20)).carbonIntensity(CarbonIntensity.of(360)).pue(Pue.of(1.5)).run();

        // 0.5 J x 1.5 = 0.75 J = 0.75 / 3.6e6 kWh; x 360 g/kWh = 7.5e-5 g
        assertThat(report.gramsCo2ePerRun()).isCloseTo(7.5e-5, within(1e-10));
    }

    @Test
    void run_addsEmbodiedEmissionsForTheTimeHeld() {
        // 3.6e6 g over 1,000 hours (3.6e6 s) = 1 g per second of the machine
        EmbodiedCarbon embodied = new EmbodiedCarbon(3.6e6, Duration.ofHours(1000), 1.0);

        EnergyReport report = EnergyMeasurement.of(this::workload).meter(meter(true)).warmupRuns(0).runs(10)
                .idle(Duration.ofMillis(20)).carbonIntensity(CarbonIntensity.of(0)).embodied(embodied).run();

        assertThat(report.sci().embodiedGrams()).isCloseTo(report.elapsedNanos() / 1e9, within(1e-9));
        assertThat(report.gramsCo2ePerRun()).isCloseTo(report.elapsedNanos() / 1e9 / 10, within(1e-9));
    }

    @Test
    void runs_rejectsZero() {
        assertThatThrownBy(() -> EnergyMeasurement.of(this::workload).runs(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("runs must be >= 1: 0");
    }

    @Test
    void runs_rejectsSecondSetting() {
        EnergyMeasurement measurement = EnergyMeasurement.of(this::workload).runs(10);

        assertThatThrownBy(() -> measurement.runs(20)).isInstanceOf(IllegalStateException.class)
                .hasMessage("runs was already set to 10");
    }

    @Test
    void idle_rejectsNegativeDuration() {
        assertThatThrownBy(() -> EnergyMeasurement.of(this::workload).idle(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.001");
    }

    @Test
    void run_throwsForUnavailableMeter() {
        EnergyMeasurement measurement = EnergyMeasurement.of(this::workload)
                .meter(FakeMeter.unavailable("rapl", "no powercap")).warmupRuns(0).idle(Duration.ZERO);

        assertThatThrownBy(measurement::run).isInstanceOf(MeterUnavailableException.class)
                .hasMessageContaining("no powercap");
    }
}
