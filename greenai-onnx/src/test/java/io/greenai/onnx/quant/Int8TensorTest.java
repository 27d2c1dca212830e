package io.greenai.onnx.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Int8TensorTest {

    @Test
    void perColumn_scalesEachColumnByItsLargestMagnitude() {
        // [[1, -2], [0.5, 4]]: column scales 1/127 and 4/127; 0.5 * 127 = 63.5 and -2 * 127 / 4 = -63.5
        // are ties, rounded to the even 64 and -64.
        Int8Tensor q = Int8Tensor.perColumn(new float[] {1f, -2f, 0.5f, 4f}, 2, 2);

        assertThat(q.scales()).containsExactly(1f / 127, 4f / 127);
        assertThat(q.values()).containsExactly(127, -64, 64, 127);
    }

    @Test
    void perColumn_givesZeroColumnScaleOne() {
        Int8Tensor q = Int8Tensor.perColumn(new float[] {0f, 3f, 0f, -3f}, 2, 2);

        assertThat(q.scales()).containsExactly(1f, 3f / 127);
        assertThat(q.values()).containsExactly(0, 127, 0, -127);
    }

    @Test
    void perRow_roundsScalesUpToFloat16Values() {
        // Row 0: max 1, exact scale 1/127 = 2^-7 x 1.007874; float16 keeps 10 mantissa bits: 8.06/1024
        // rounds to 8/1024 (below the exact scale, which would clip 1.0), so the next half up is taken,
        // 2^-7 x (1 + 9/1024) = 0.00788116455078125. Then 1 / s = 126.88 -> 127, -0.5 / s = -63.44 -> -63.
        Int8Tensor q = Int8Tensor.perRow(new float[] {1f, -0.5f, 0f, 0f}, 2, 2);

        assertThat(q.scales()[0]).isEqualTo(0.00788116455078125f);
        assertThat(q.values()[0]).isEqualTo((byte) 127);
        assertThat(q.values()[1]).isEqualTo((byte) -63);
        assertThat(q.scales()[1]).isEqualTo(1f);
    }
}
