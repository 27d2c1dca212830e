package io.greenai.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.greenai.core.carbon.CarbonIntensity;
import io.greenai.core.carbon.Pue;
import io.greenai.core.energy.Availability;
import io.greenai.core.energy.EnergyReading;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.Profiler;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.profile.ProfilerFactory;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.results.TextResult;
import org.openjdk.jmh.runner.options.ProfilerConfig;

class EnergyProfilerTest {

    /** 10 J over 2 s, estimated. */
    private static final EnergyReading TEN_JOULES = new EnergyReading("cpu-estimate", false, 10, 2_000_000_000L,
            Map.of("process-cpu", 10.0));

    private static EnergyProfiler profiler(CarbonIntensity intensity, Pue pue) {
        return new EnergyProfiler(new TestMeter("cpu-estimate", Availability.available("test"), 0, false), intensity, pue);
    }

    private static ScalarResult scalar(List<Result> results, String label) {
        return (ScalarResult) results.stream().filter(result -> result.getLabel().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no result " + label + " in " + results));
    }

    @Test
    void results_divideEnergyByOperations() {
        List<Result> results = profiler(CarbonIntensity.of(360), Pue.of(1.5)).results(TEN_JOULES, 1_000, false);

        // 10 J / 1,000 ops = 0.01 J/op; x 1.5 / 3.6e6 kWh x 360 g/kWh = 1.5e-6 g = 1.5e-3 mg/op; 10 J / 2 s = 5 W
        assertThat(scalar(results, "energy.estimated").getScore()).isCloseTo(0.01, within(1e-15));
        assertThat(scalar(results, "energy.estimated").getScoreUnit()).isEqualTo("J/op");
        assertThat(scalar(results, "co2e.estimated").getScore()).isCloseTo(1.5e-3, within(1e-15));
        assertThat(scalar(results, "co2e.estimated").getScoreUnit()).isEqualTo("mg/op");
        assertThat(scalar(results, "power.estimated").getScore()).isCloseTo(5.0, within(1e-12));
        assertThat(results).noneMatch(TextResult.class::isInstance);
    }

    @Test
    void results_labelMeasuredReadings() {
        EnergyReading measured = new EnergyReading("rapl", true, 4, 1_000_000_000L, Map.of("package-0", 4.0));

        List<Result> results = profiler(CarbonIntensity.WORLD, Pue.NONE).results(measured, 2, false);

        assertThat(results).extracting(Result::getLabel)
                .containsExactly("energy.measured", "co2e.measured", "power.measured");
    }

    @Test
    void results_nameTheMeterAfterTheLastMeasurement() {
        List<Result> results = profiler(CarbonIntensity.JAPAN, Pue.NONE).results(TEN_JOULES, 1_000, true);

        TextResult text = (TextResult) results.get(results.size() - 1);
        assertThat(text.getLabel()).isEqualTo("energy.meter");
        assertThat(text.extendedInfo()).contains("cpu-estimate").contains("estimated").contains("485 gCO2e/kWh");
    }

    @Test
    void constructor_readsCarbonAndPueOptions() throws ProfilerException {
        EnergyProfiler profiler = new EnergyProfiler("carbon=JP;pue=1.58;meter=estimate;wattsPerCore=10");

        List<Result> results = profiler.results(TEN_JOULES, 1_000, false);

        // 0.01 J/op x 1.58 / 3.6e6 kWh/J x 485 g/kWh x 1000 mg/g
        assertThat(scalar(results, "co2e.estimated").getScore()).isCloseTo(0.01 * 1.58 / 3.6e6 * 485 * 1000,
                within(1e-15));
    }

    @Test
    void constructor_rejectsUnknownOption() {
        assertThatThrownBy(() -> new EnergyProfiler("colour=green")).isInstanceOf(ProfilerException.class)
                .hasMessageContaining("'colour'");
    }

    @Test
    void constructor_rejectsTdpWithoutCores() {
        assertThatThrownBy(() -> new EnergyProfiler("tdp=280")).isInstanceOf(ProfilerException.class)
                .hasMessageContaining("tdp and cores go together");
    }

    @Test
    void constructor_rejectsUnknownMeter() {
        assertThatThrownBy(() -> new EnergyProfiler("meter=smart-plug")).isInstanceOf(ProfilerException.class)
                .hasMessageContaining("'smart-plug'");
    }

    @Test
    void serviceLoader_findsTheProfiler() {
        assertThat(ServiceLoader.load(Profiler.class).stream().map(ServiceLoader.Provider::type))
                .contains(EnergyProfiler.class);
    }

    @Test
    void jmh_resolvesTheClassNameButNotTheShortName() throws ProfilerException {
        Profiler profiler = ProfilerFactory.getProfilerOrException(
                new ProfilerConfig(EnergyProfiler.class.getName(), "carbon=FR"));

        assertThat(profiler).isInstanceOf(EnergyProfiler.class);
        // Why BenchmarkMain expands the short name: JMH 1.37 alone does not know it.
        assertThatThrownBy(() -> ProfilerFactory.getProfilerOrException(new ProfilerConfig("energy", "")))
                .isInstanceOf(ProfilerException.class);
    }
}
