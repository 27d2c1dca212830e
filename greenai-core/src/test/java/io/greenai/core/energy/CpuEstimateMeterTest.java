package io.greenai.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuEstimateMeterTest {

    @Test
    void read_isCpuSecondsTimesWattsPerCore() {
        AtomicLong cpuNanos = new AtomicLong(7_000_000_000L);
        CpuEstimateMeter meter = new CpuEstimateMeter(CpuPower.ofWattsPerCore(12), cpuNanos::get);

        try (EnergySession session = meter.start()) {
            cpuNanos.addAndGet(2_500_000_000L);
            EnergyReading reading = session.read();

            // 2.5 CPU-seconds x 12 W = 30 J
            assertThat(reading.joules()).isCloseTo(30.0, within(1e-9));
            assertThat(reading.joulesByDomain()).containsOnlyKeys("process-cpu");
            assertThat(reading.measured()).isFalse();
            assertThat(reading.method()).isEqualTo("estimated");
            assertThat(reading.meter()).isEqualTo("cpu-estimate");
        }
    }

    @Test
    void read_growsWithCpuWork() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double wattsPerCore = 10;
        CpuEstimateMeter meter = new CpuEstimateMeter(CpuPower.ofWattsPerCore(wattsPerCore),
                CpuEstimateMeter.processCpuTime());

        try (EnergySession session = meter.start()) {
            long threadStart = threads.getCurrentThreadCpuTime();
            burnCpu(200);
            long threadAfterFirst = threads.getCurrentThreadCpuTime();
            EnergyReading first = session.read();
            burnCpu(200);
            long threadAfterSecond = threads.getCurrentThreadCpuTime();
            EnergyReading second = session.read();

            // The process used at least this thread's CPU time (other JVM threads only add to it);
            // 5% allows for the coarser tick of the process counter.
            double firstOracle = (threadAfterFirst - threadStart) / 1e9 * wattsPerCore;
            double secondOracle = (threadAfterSecond - threadAfterFirst) / 1e9 * wattsPerCore;
            assertThat(firstOracle).isGreaterThan(0.5);
            assertThat(first.joules()).isGreaterThanOrEqualTo(firstOracle * 0.95);
            assertThat(second.joules() - first.joules()).isGreaterThanOrEqualTo(secondOracle * 0.95);
        }
    }

    @Test
    void availability_reportsJvmWithoutCpuTime() {
        CpuEstimateMeter meter = new CpuEstimateMeter(CpuPower.DEFAULT, () -> -1);

        assertThat(meter.availability().available()).isFalse();
        assertThatThrownBy(meter::start).isInstanceOf(MeterUnavailableException.class)
                .hasMessageContaining("cannot report the process's CPU time");
    }

    @Test
    void availability_namesThePowerAndItsSource() {
        CpuEstimateMeter meter = new CpuEstimateMeter(CpuPower.ofTdp(280, 64), () -> 0);

        assertThat(meter.availability().detail()).isEqualTo("process CPU time x 4.38 W per core (TDP 280 W / 64 cores)");
    }

    /** Spins this thread for about {@code millis} of its own CPU time. */
    private static long burnCpu(long millis) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + millis * 1_000_000;
        long x = 1;
        while (threads.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        return x;
    }

    @Test
    void reading_mapIsReadOnly() {
        EnergyReading reading = new EnergyReading("m", true, 1, 1, Map.of("a", 1.0));

        assertThatThrownBy(() -> reading.joulesByDomain().put("b", 2.0))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
