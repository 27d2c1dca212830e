package io.greenai.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenai.core.energy.Availability;
import io.greenai.core.energy.EnergyMeters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class NvmlCheckTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void run_returnsTwoWithReasonWhenNvmlIsUnavailable() {
        TestMeter absent = new TestMeter("nvml", Availability.unavailable("libnvidia-ml could not be loaded"), 0);

        int status = NvmlCheck.run(absent, absent, Duration.ofMillis(1), out);

        assertThat(status).isEqualTo(2);
        assertThat(printed()).contains("libnvidia-ml could not be loaded");
    }

    @Test
    void run_returnsZeroWhenCounterAndSamplesAgree() {
        TestMeter counter = new TestMeter("nvml", Availability.available("gpu0"), 70);
        TestMeter sampled = new TestMeter("nvml", Availability.available("gpu0"), 75);

        int status = NvmlCheck.run(counter, sampled, Duration.ofMillis(50), out);

        assertThat(status).isZero();
        assertThat(printed()).contains("gpu0").contains(" ok");
    }

    @Test
    void run_returnsOneWhenTheyDisagree() {
        TestMeter counter = new TestMeter("nvml", Availability.available("gpu0"), 70);
        TestMeter sampled = new TestMeter("nvml", Availability.available("gpu0"), 140);

        int status = NvmlCheck.run(counter, sampled, Duration.ofMillis(50), out);

        assertThat(status).isEqualTo(1);
        assertThat(printed()).contains("DISAGREE");
    }

    @Test
    void run_reportsUnavailableOnMachineWithoutGpu() {
        Assumptions.assumeFalse(EnergyMeters.nvml().availability().available(),
                "this machine has an NVIDIA GPU: scripts/nvml-check.sh runs the real check");

        assertThat(NvmlCheck.run(EnergyMeters.nvml(), EnergyMeters.nvml(), Duration.ofMillis(1), out)).isEqualTo(2);
    }
}
