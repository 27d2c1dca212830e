package io.greenai.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchmarkMainTest {

    @Test
    void expandProfilerNames_replacesShortName() {
        String[] args = {"InferenceBenchmark", "-prof", "energy", "-f", "1"};

        assertThat(BenchmarkMain.expandProfilerNames(args))
                .containsExactly("InferenceBenchmark", "-prof", "io.greenai.bench.EnergyProfiler", "-f", "1");
        assertThat(args[2]).isEqualTo("energy");
    }

    @Test
    void expandProfilerNames_keepsOptions() {
        assertThat(BenchmarkMain.expandProfilerNames(new String[] {"-prof", "energy:carbon=JP;pue=1.2"}))
                .containsExactly("-prof", "io.greenai.bench.EnergyProfiler:carbon=JP;pue=1.2");
    }

    @Test
    void expandProfilerNames_leavesOtherArgumentsAlone() {
        String[] args = {"-prof", "gc", "-prof", "energyX", "-p", "energy", "energy"};

        assertThat(BenchmarkMain.expandProfilerNames(args)).containsExactly(args);
    }
}
