package io.greenai.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuPowerTest {

    @Test
    void ofTdp_dividesByCores() {
        assertThat(CpuPower.ofTdp(65, 8).wattsPerCore()).isCloseTo(8.125, within(1e-12));
    }

    @Test
    void ofTdp_rejectsZeroCores() {
        assertThatThrownBy(() -> CpuPower.ofTdp(65, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cores must be >= 1: 0");
    }

    @Test
    void ofWattsPerCore_rejectsNaN() {
        assertThatThrownBy(() -> CpuPower.ofWattsPerCore(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void forModel_findsIntelModelDespiteTrademarks() {
        CpuPower power = CpuPower.forModel("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz");

        // Intel data sheet: 150 W TDP, 20 cores
        assertThat(power.wattsPerCore()).isCloseTo(7.5, within(1e-12));
        assertThat(power.source()).contains("Xeon Gold 6148");
    }

    @Test
    void forModel_findsAmdModel() {
        // AMD data sheet: 280 W TDP, 64 cores
        assertThat(CpuPower.forModel("AMD EPYC 7763 64-Core Processor").wattsPerCore()).isCloseTo(4.375, within(1e-12));
    }

    @Test
    void forModel_fallsBackToDefaultForUnknownModel() {
        CpuPower power = CpuPower.forModel("AMD EPYC");

        assertThat(power.wattsPerCore()).isEqualTo(12.0);
        assertThat(power.source()).contains("'AMD EPYC' is not in the table").contains("Green Algorithms");
    }

    @Test
    void cpuModel_readsModelNameLine(@TempDir Path folder) throws IOException {
        Path cpuinfo = folder.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: GenuineIntel\n"
                + "model name\t: Intel(R) Core(TM) i5-1145G7 @ 2.60GHz\nflags\t\t: fpu\n");

        assertThat(CpuPower.cpuModel(cpuinfo)).contains("Intel(R) Core(TM) i5-1145G7 @ 2.60GHz");
        assertThat(CpuPower.cpuModel(folder.resolve("absent"))).isEmpty();
    }
}
