package io.greenai.onnx.quant;

/**
 * A [K, N] weight quantized to 4 bits in blocks along K, laid out as ONNX Runtime's
 * {@code com.microsoft.MatMulNBits} reads it: for column n and block b (of {@code blockSize} rows),
 * {@code w ≈ (code - zeroPoint) * scale}, codes and zero points in [0, 15].
 *
 * <p>Each block is quantized asymmetrically over [min(0, lowest), max(0, highest)], so zero is
 * exact and the zero point fits 4 bits. Layouts: {@code packed} is [N, blocks, blockSize / 2] bytes,
 * two codes per byte, the lower K index in the low nibble; {@code scales} is [N * blocks], column
 * major by block; {@code zeroPoints} is [N * ceil(blocks / 2)] bytes, two per byte, low nibble first.
 * Rows beyond K in the last block are padded with the block's zero point.
 *
 * @param packed the codes
 * @param scales one scale per column and block
 * @param zeroPoints the packed zero points
 * @param k rows of the weight
 * @param n columns of the weight
 * @param blockSize rows per block, a power of two of at least 16
 */
record Int4Blocks(byte[] packed, float[] scales, byte[] zeroPoints, int k, int n, int blockSize) {

    /** The largest 4-bit code. */
    static final int MAX_CODE = 15;

    /**
     * Quantizes a weight.
     *
     * @param matrix the values, row-major [k, n]
     * @param k rows
     * @param n columns
     * @param blockSize rows per block
     * @return the packed blocks
     */
    static Int4Blocks quantize(float[] matrix, int k, int n, int blockSize) {
        int blocks = blocks(k, blockSize);
        int blob = blockSize / 2;
        byte[] packed = new byte[n * blocks * blob];
        float[] scales = new float[n * blocks];
        int zeroBytes = (blocks + 1) / 2;
        byte[] zeroPoints = new byte[n * zeroBytes];
        int[] codes = new int[blockSize];
        for (int column = 0; column < n; column++) {
            for (int block = 0; block < blocks; block++) {
                int first = block * blockSize;
                int last = Math.min(k, first + blockSize);
                float min = 0;
                float max = 0;
                for (int row = first; row < last; row++) {
                    float value = matrix[row * n + column];
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                }
                float scale = max > min ? (max - min) / MAX_CODE : 1f;
                int zeroPoint = (int) Math.max(0, Math.min(MAX_CODE, Math.rint(-min / scale)));
                for (int i = 0; i < blockSize; i++) {
                    int row = first + i;
                    codes[i] = row < last ? code(matrix[row * n + column], scale, zeroPoint) : zeroPoint;
                }
                int offset = (column * blocks + block) * blob;
                for (int i = 0; i < blob; i++) {
                    packed[offset + i] = (byte) (codes[2 * i] | (codes[2 * i + 1] << 4));
                }
                scales[column * blocks + block] = scale;
                int zeroIndex = column * zeroBytes + block / 2;
                zeroPoints[zeroIndex] = (byte) (zeroPoints[zeroIndex] | (zeroPoint << (block % 2 == 0 ? 0 : 4)));
            }
        }
        return new Int4Blocks(packed, scales, zeroPoints, k, n, blockSize);
    }

    /** Blocks per column: K divided by the block size, rounded up. */
    static int blocks(int k, int blockSize) {
        return (k + blockSize - 1) / blockSize;
    }

    private static int code(float value, float scale, int zeroPoint) {
        return (int) Math.max(0, Math.min(MAX_CODE, Math.rint(value / scale) + zeroPoint));
    }

    /**
     * Reads the weight back from the packed layout, as {@code MatMulNBits} dequantizes it.
     *
     * @return the dequantized values, row-major [k, n]
     */
    float[] dequantize() {
        int blocks = blocks(k, blockSize);
        int blob = blockSize / 2;
        int zeroBytes = (blocks + 1) / 2;
        float[] values = new float[k * n];
        for (int column = 0; column < n; column++) {
            for (int row = 0; row < k; row++) {
                int block = row / blockSize;
                int inBlock = row % blockSize;
                int packedByte = packed[(column * blocks + block) * blob + inBlock / 2] & 0xff;
                int code = inBlock % 2 == 0 ? packedByte & 0xf : packedByte >>> 4;
                int zeroByte = zeroPoints[column * zeroBytes + block / 2] & 0xff;
                int zeroPoint = block % 2 == 0 ? zeroByte & 0xf : zeroByte >>> 4;
                values[row * n + column] = (code - zeroPoint) * scales[column * blocks + block];
            }
        }
        return values;
    }
}
