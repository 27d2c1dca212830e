package io.greenai.core.carbon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CarbonTest {

    @Test
    void gramsFor_convertsOneKilowattHour() {
        assertThat(CarbonIntensity.WORLD.gramsFor(3_600_000)).isCloseTo(475.0, within(1e-9));
    }

    @Test
    void parse_readsPresetInAnyCase() {
        assertThat(CarbonIntensity.parse("JP")).isEqualTo(CarbonIntensity.JAPAN);
        assertThat(CarbonIntensity.parse("world").gramsPerKilowattHour()).isEqualTo(475);
        assertThat(CarbonIntensity.JAPAN.gramsPerKilowattHour()).isEqualTo(485);
    }

    @Test
    void parse_readsUserNumber() {
        assertThat(CarbonIntensity.parse("120.5")).isEqualTo(new CarbonIntensity(120.5, "user value"));
    }

    @Test
    void parse_rejectsUnknownName() {
        assertThatThrownBy(() -> CarbonIntensity.parse("mars")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mars'");
    }

    @Test
    void of_rejectsNegativeIntensity() {
        assertThatThrownBy(() -> CarbonIntensity.of(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void pue_rejectsValueBelowOne() {
        assertThatThrownBy(() -> Pue.of(0.9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.9");
    }

    @Test
    void embodied_chargesShareOfLifespan() {
        // 876 kg over 8,760 hours is 100 g per hour of the whole machine; a quarter of it for one hour
        EmbodiedCarbon server = new EmbodiedCarbon(876_000, Duration.ofHours(8_760), 0.25);

        assertThat(server.gramsFor(Duration.ofHours(1))).isCloseTo(25.0, within(1e-9));
    }

    @Test
    void embodied_rejectsShareAboveOne() {
        assertThatThrownBy(() -> new EmbodiedCarbon(1, Duration.ofDays(1), 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    }

    @Test
    void sci_addsOperationalAndEmbodiedPerUnit() {
        // 7.2e6 J = 2 kWh; x PUE 1.5 = 3 kWh; x 400 g/kWh = 1,200 g; + 300 g embodied; / 1,000 units
        Sci sci = new Sci(7_200_000, CarbonIntensity.of(400), Pue.of(1.5), 300, 1_000);

        assertThat(sci.kilowattHours()).isCloseTo(3.0, within(1e-12));
        assertThat(sci.operationalGrams()).isCloseTo(1_200.0, within(1e-9));
        assertThat(sci.gramsPerUnit()).isCloseTo(1.5, within(1e-12));
        assertThat(sci.joulesPerUnit()).isCloseTo(7_200.0, within(1e-9));
    }

    @Test
    void sci_rejectsZeroUnits() {
        assertThatThrownBy(() -> new Sci(1, CarbonIntensity.WORLD, Pue.NONE, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("functional units must be >= 1: 0");
    }
}
