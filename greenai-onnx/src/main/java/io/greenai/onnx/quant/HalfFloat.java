package io.greenai.onnx.quant;

import io.greenai.onnx.graph.Tensors;

/**
 * IEEE 754 binary16 ("half", ONNX {@code FLOAT16}) conversion, bit by bit: Java 17 has no
 * {@code Float.floatToFloat16}. Rounding is to nearest, ties to even, as the hardware does it;
 * subnormal halves are produced and read; NaN stays NaN.
 */
public final class HalfFloat {

    /** The largest finite half, 65504. */
    public static final float MAX = 65504f;

    private HalfFloat() {
    }

    /**
     * Rounds a float to the nearest half.
     *
     * @param value any float
     * @return the half's 16 bits; values beyond ±65504 (after rounding) become ±infinity
     */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7f_ffff;
        if (exponent == 0xff) {
            // Infinity keeps a zero mantissa; NaN keeps its top payload bits and is made quiet.
            return (short) (sign | 0x7c00 | (mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13)));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) {
            if (halfExponent < -10) {
                return (short) sign; // below half the smallest subnormal (2^-25): rounds to zero
            }
            // Subnormal half: shift the mantissa, with its implicit leading 1, right by 14 - e bits.
            int full = mantissa | 0x80_0000;
            int shift = 14 - halfExponent;
            int kept = full >>> shift;
            int dropped = full & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (dropped > halfway || (dropped == halfway && (kept & 1) == 1)) {
                kept++; // may carry into the smallest normal exponent, which is the right result
            }
            return (short) (sign | kept);
        }
        int result = sign | (halfExponent << 10) | (mantissa >>> 13);
        int dropped = mantissa & 0x1fff;
        if (dropped > 0x1000 || (dropped == 0x1000 && (result & 1) == 1)) {
            result++; // a carry out of the mantissa raises the exponent, up to infinity
        }
        return (short) result;
    }

    /**
     * Widens a half to the float of exactly the same value.
     *
     * @param half the half's 16 bits
     * @return the float
     */
    public static float toFloat(short half) {
        return Tensors.halfToFloat(half);
    }

    /**
     * Rounds a float to a half after clamping it to the finite range, so that constants such as
     * {@code -3.4e38} (a "minus infinity" attention mask) stay finite and {@code 0 * mask} stays 0
     * instead of NaN.
     *
     * @param value any float
     * @return the half's bits, finite unless the value is NaN or infinite
     */
    static short fromFloatSaturating(float value) {
        if (Float.isNaN(value) || Float.isInfinite(value)) {
            return fromFloat(value);
        }
        return fromFloat(Math.max(-MAX, Math.min(MAX, value)));
    }
}
