package io.greenai.onnx.runtime;

import java.util.Arrays;

/**
 * A float32 tensor copied out of ONNX Runtime: its shape and its values in row-major order.
 *
 * @param shape the dims
 * @param data the values
 */
public record FloatTensor(long[] shape, float[] data) {

    /**
     * Checks that the shape fits the data.
     *
     * @throws IllegalArgumentException if the element count differs from the product of the dims
     */
    public FloatTensor {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count
                    + " values, got " + data.length);
        }
    }

    /**
     * Returns the largest absolute difference to another tensor of the same shape.
     *
     * @param other the other tensor
     * @return max |this - other| over all elements
     * @throws IllegalArgumentException if the shapes differ
     */
    public double maxAbsDifference(FloatTensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("shapes differ: " + Arrays.toString(shape) + " vs "
                    + Arrays.toString(other.shape));
        }
        double max = 0;
        for (int i = 0; i < data.length; i++) {
            max = Math.max(max, Math.abs((double) data[i] - other.data[i]));
        }
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
