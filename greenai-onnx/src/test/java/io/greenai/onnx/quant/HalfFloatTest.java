package io.greenai.onnx.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Float to half conversion against bit patterns worked out by hand from IEEE 754 binary16. */
class HalfFloatTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // value, expected half bits: sign | 5-bit exponent (bias 15) | 10-bit mantissa
        "1.0, 0x3C00",
        "-2.0, 0xC000",
        "0.5, 0x3800",
        "0.0, 0x0000",
        "-0.0, 0x8000",
        "65504.0, 0x7BFF", // largest finite half: 2^15 x (1 + 1023/1024)
        "65519.0, 0x7BFF", // below the halfway point 65520: rounds down to 65504
        "65520.0, 0x7C00", // halfway between 65504 (odd mantissa) and 65536: ties to even, which overflows
        "0.1, 0x2E66", // 0.1 = 2^-4 x 1.6; 0.6 x 1024 = 614.4 -> 614 = 0x266
        "0.33333334, 0x3555", // 2^-2 x 1.3333; 0.3333 x 1024 = 341.33 -> 341 = 0x155
        "6.1035156E-5, 0x0400", // 2^-14: the smallest normal half
        "5.9604645E-8, 0x0001", // 2^-24: the smallest subnormal half
        "2.9802322E-8, 0x0000", // 2^-25: exactly halfway to 2^-24, ties to even (0)
        "4.4703484E-8, 0x0001", // 1.5 x 2^-25: above halfway, rounds up to 2^-24
        "8.940697E-8, 0x0002", // 1.5 x 2^-24: halfway between 1 and 2 subnormal steps, ties to even (2)
        "1.00048828125, 0x3C00", // 1 + 2^-11: halfway between 0x3C00 and 0x3C01, ties to even
        "1.00146484375, 0x3C02", // 1 + 3 x 2^-11: halfway between 0x3C01 and 0x3C02, ties to even
        "1.0009765625, 0x3C01", // 1 + 2^-10: exact
        "-1.5, 0xBE00",
        "3.0E38, 0x7C00", // beyond the half range: infinity
    })
    void fromFloat_roundsToNearestEven(float value, String expected) {
        assertThat(HalfFloat.fromFloat(value)).isEqualTo((short) Integer.parseInt(expected.substring(2), 16));
    }

    @Test
    void fromFloat_keepsInfinityAndNaN() {
        assertThat(HalfFloat.fromFloat(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloat.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
        assertThat(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(Float.NaN)))).isTrue();
    }

    @Test
    void fromFloatSaturating_clampsHugeMaskConstantsToFiniteHalves() {
        assertThat(HalfFloat.fromFloatSaturating(-3.4028235E38f)).isEqualTo((short) 0xFBFF); // -65504
        assertThat(HalfFloat.fromFloatSaturating(1e6f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloat.fromFloatSaturating(0.1f)).isEqualTo((short) 0x2E66);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0x3C00, 1.0",
        "0xC000, -2.0",
        "0x7BFF, 65504.0",
        "0x0001, 5.9604645E-8",
        "0x03FF, 6.097555E-5", // largest subnormal: 1023 x 2^-24
        "0x2E66, 0.0999755859375",
        "0x8000, -0.0",
    })
    void toFloat_readsHandComputedValues(String half, float expected) {
        assertThat(HalfFloat.toFloat((short) Integer.parseInt(half.substring(2), 16))).isEqualTo(expected);
    }

    @Test
    void roundTrip_everyHalfSurvivesWideningAndNarrowing() {
        // Independent of the hand-made table: widening is exact, so narrowing must give every half back.
        for (int bits = 0; bits < 0x10000; bits++) {
            short half = (short) bits;
            float widened = HalfFloat.toFloat(half);
            if (Float.isNaN(widened)) {
                continue;
            }
            assertThat(HalfFloat.fromFloat(widened)).as("half 0x%04X", bits).isEqualTo(half);
        }
    }

    @Test
    void fromFloat_picksTheNearerNeighbourAcrossTheWholeRange() {
        // Brute-force oracle: between two adjacent halves, a float goes to the nearer one.
        for (int bits = 0x0000; bits < 0x7BFF; bits += 7) {
            float low = HalfFloat.toFloat((short) bits);
            float high = HalfFloat.toFloat((short) (bits + 1));
            float nearLow = low + (high - low) * 0.49f;
            float nearHigh = low + (high - low) * 0.51f;
            assertThat(HalfFloat.fromFloat(nearLow)).as("0x%04X + 0.49 step", bits).isEqualTo((short) bits);
            assertThat(HalfFloat.fromFloat(nearHigh)).as("0x%04X + 0.51 step", bits).isEqualTo((short) (bits + 1));
        }
    }
}
