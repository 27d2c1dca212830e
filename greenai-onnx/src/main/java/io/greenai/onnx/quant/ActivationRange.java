package io.greenai.onnx.quant;

/**
 * The range a float activation tensor took on calibration data, from which static INT8 fixes the
 * tensor's scale and zero point.
 *
 * @param min the lowest value seen
 * @param max the highest value seen
 */
public record ActivationRange(float min, float max) {

    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException if a bound is not finite or {@code min > max}
     */
    public ActivationRange {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw new IllegalArgumentException("invalid activation range [" + min + ", " + max + "]");
        }
    }

    /**
     * Widens the range to cover another.
     *
     * @param other a range of the same tensor on more data
     * @return the smallest range covering both
     */
    public ActivationRange union(ActivationRange other) {
        return new ActivationRange(Math.min(min, other.min), Math.max(max, other.max));
    }
}
