package io.greenai.core.fit;

import java.util.Objects;

/**
 * A fitted linear map: {@code scores = x * weights + intercept}.
 *
 * @param weights {@code [features][outputs]}
 * @param intercept {@code [outputs]}
 */
public record LinearModel(double[][] weights, double[] intercept) {

    /**
     * Checks the shapes.
     *
     * @throws IllegalArgumentException if a weight row's length differs from the intercept's
     */
    public LinearModel {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(intercept, "intercept");
        for (double[] row : weights) {
            if (row.length != intercept.length) {
                throw new IllegalArgumentException("every weight row needs " + intercept.length + " values, found "
                        + row.length);
            }
        }
    }

    /**
     * Returns the number of inputs.
     *
     * @return the feature count
     */
    public int features() {
        return weights.length;
    }

    /**
     * Returns the number of outputs.
     *
     * @return the output count
     */
    public int outputs() {
        return intercept.length;
    }

    /**
     * Applies the map to one input.
     *
     * @param x {@link #features()} values
     * @return {@link #outputs()} scores
     * @throws IllegalArgumentException if {@code x} has the wrong length
     */
    public double[] apply(float[] x) {
        if (x.length != weights.length) {
            throw new IllegalArgumentException("expected " + weights.length + " features, got " + x.length);
        }
        double[] out = intercept.clone();
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < out.length; j++) {
                out[j] += x[i] * weights[i][j];
            }
        }
        return out;
    }
}
