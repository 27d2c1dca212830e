package io.greenai.onnx.quant;

/**
 * A float matrix quantized symmetrically to int8 with one scale per column or per row:
 * {@code value ≈ scale * q}, {@code q} in [-127, 127], zero point 0. The scale of a column (row) is
 * its largest magnitude / 127, so the full signed range is used; a column of zeros gets scale 1.
 *
 * @param values the quantized values, row-major like the input
 * @param scales one scale per column ({@link #perColumn}) or per row ({@link #perRow}, float16 values)
 * @param rows rows of the matrix
 * @param columns columns of the matrix
 */
record Int8Tensor(byte[] values, float[] scales, int rows, int columns) {

    /** The largest magnitude a symmetric int8 value takes. */
    static final int LEVELS = 127;

    /**
     * Quantizes a [K, N] weight with one scale per output column (per output channel).
     *
     * @param matrix the values, row-major [rows, columns]
     * @param rows K
     * @param columns N
     * @return the quantized weight
     */
    static Int8Tensor perColumn(float[] matrix, int rows, int columns) {
        float[] max = new float[columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                max[c] = Math.max(max[c], Math.abs(matrix[r * columns + c]));
            }
        }
        float[] scales = scales(max);
        byte[] values = new byte[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                values[r * columns + c] = quantize(matrix[r * columns + c], scales[c]);
            }
        }
        return new Int8Tensor(values, scales, rows, columns);
    }

    /**
     * Quantizes a [V, H] table with one scale per row (per embedding vector), each scale rounded up
     * to a float16 value, so that scales stored as float16 dequantize exactly as the values were
     * quantized.
     *
     * @param matrix the values, row-major [rows, columns]
     * @param rows V
     * @param columns H
     * @return the quantized table, its scales float16 values widened to float
     */
    static Int8Tensor perRow(float[] matrix, int rows, int columns) {
        float[] max = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                max[r] = Math.max(max[r], Math.abs(matrix[r * columns + c]));
            }
        }
        float[] scales = scales(max);
        for (int r = 0; r < rows; r++) {
            // Round the scale up to a float16 value, so the row's largest magnitude still maps to <= 127.
            float half = HalfFloat.toFloat(HalfFloat.fromFloat(scales[r]));
            if (half < scales[r]) {
                half = HalfFloat.toFloat((short) (HalfFloat.fromFloat(scales[r]) + 1));
            }
            scales[r] = half > 0 && Float.isFinite(half) ? half : 1f;
        }
        byte[] values = new byte[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                values[r * columns + c] = quantize(matrix[r * columns + c], scales[r]);
            }
        }
        return new Int8Tensor(values, scales, rows, columns);
    }

    private static float[] scales(float[] max) {
        float[] scales = new float[max.length];
        for (int i = 0; i < max.length; i++) {
            scales[i] = max[i] > 0 && Float.isFinite(max[i]) ? max[i] / LEVELS : 1f;
        }
        return scales;
    }

    private static byte quantize(float value, float scale) {
        double q = Math.rint(value / scale);
        return (byte) Math.max(-LEVELS, Math.min(LEVELS, q));
    }
}
