package io.greenai.onnx.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Int4BlocksTest {

    /** A [k, 1] column with the given values. */
    private static float[] column(float... values) {
        return values.clone();
    }

    @Test
    void quantize_positiveBlockHasZeroPointZero() {
        // 0.0, 0.1, ..., 1.5 over 16 rows: range [0, 1.5], scale 1.5 / 15 = 0.1, zero point 0, codes 0..15.
        float[] values = new float[16];
        for (int i = 0; i < 16; i++) {
            values[i] = i * 0.1f;
        }

        Int4Blocks q = Int4Blocks.quantize(column(values), 16, 1, 16);

        assertThat(q.scales()).containsExactly(0.1f);
        assertThat(q.zeroPoints()).containsExactly(0);
        // codes 0,1 | 2,3 | ...: low nibble first, so byte i = (2i) | (2i + 1) << 4
        assertThat(q.packed()).containsExactly(0x10, 0x32, 0x54, 0x76, (byte) 0x98, (byte) 0xBA, (byte) 0xDC,
                (byte) 0xFE);
    }

    @Test
    void quantize_signedBlockPacksZeroPointAndCodes() {
        // -0.8, -0.7, ..., 0.7: range [-0.8, 0.7], scale 0.1, zero point round(0.8 / 0.1) = 8;
        // the value -0.8 has code 0, 0.0 has code 8, 0.7 has code 15.
        float[] values = new float[16];
        for (int i = 0; i < 16; i++) {
            values[i] = -0.8f + i * 0.1f;
        }

        Int4Blocks q = Int4Blocks.quantize(column(values), 16, 1, 16);

        assertThat(q.scales()[0]).isCloseTo(0.1f, within(1e-6f));
        assertThat(q.zeroPoints()).containsExactly(8);
        assertThat(q.packed()[0]).isEqualTo((byte) 0x10);
        assertThat(q.packed()[4]).isEqualTo((byte) 0x98);
        assertThat(q.packed()[7]).isEqualTo((byte) 0xFE);
    }

    @Test
    void quantize_padsLastBlockWithZeroPointAndPacksTwoZeroPointsPerByte() {
        // K = 20 with blocks of 16: block 0 holds rows 0..15, block 1 rows 16..19 and 12 padded rows.
        float[] values = new float[20];
        for (int i = 0; i < 16; i++) {
            values[i] = i * 0.1f; // zero point 0
        }
        values[16] = -1.5f; // block 1: range [-1.5, 0], scale 0.1, zero point 15
        values[17] = 0f;
        values[18] = -0.8f;
        values[19] = -0.1f;

        Int4Blocks q = Int4Blocks.quantize(column(values), 20, 1, 16);

        assertThat(q.packed()).hasSize(16); // [N=1, blocks=2, 8 bytes]
        assertThat(q.zeroPoints()).containsExactly((byte) 0xF0); // block 0 in the low nibble, block 1 high
        // block 1: codes -15 + 15 = 0, 15, -8 + 15 = 7, -1 + 15 = 14, then padding rows at the zero point 15.
        assertThat(q.packed()[8]).isEqualTo((byte) 0xF0);
        assertThat(q.packed()[9]).isEqualTo((byte) 0xE7);
        assertThat(q.packed()[10]).isEqualTo((byte) 0xFF);
    }

    @Test
    void dequantize_staysWithinHalfAScaleOfEveryWeight() {
        Random random = new Random(7);
        int k = 96;
        int n = 5;
        float[] weight = new float[k * n];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) random.nextGaussian();
        }

        Int4Blocks q = Int4Blocks.quantize(weight, k, n, 32);
        float[] back = q.dequantize();

        for (int row = 0; row < k; row++) {
            for (int col = 0; col < n; col++) {
                float scale = q.scales()[col * 3 + row / 32];
                assertThat(back[row * n + col]).isCloseTo(weight[row * n + col], within(scale / 2 + 1e-6f));
            }
        }
    }
}
