package io.greenai.core.fit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Multi-output linear least squares with an intercept (or through the origin) and a small ridge
 * penalty, solved in closed form with EJML. Samples are streamed into the Gram matrices {@code X'X}
 * and {@code X'Y} in blocks, so memory stays {@code O(features^2)} however many samples there are.
 *
 * <pre>{@code
 * RidgeRegression fit = new RidgeRegression(768, 384, 1e-6);
 * fit.add(x, y);            // as many rows as there are
 * double[][] w = fit.solve().weights();   // [features][outputs]
 * }</pre>
 */
public final class RidgeRegression {

    private static final int BLOCK_ROWS = 256;

    private final int features;
    private final int outputs;
    private final double relativeRidge;
    private final DMatrixRMaj gram;
    private final DMatrixRMaj cross;
    private final DMatrixRMaj blockX;
    private final DMatrixRMaj blockY;
    private int blockFill;
    private long samples;

    /**
     * Creates an empty fit.
     *
     * @param features input width (the intercept is added internally)
     * @param outputs output width
     * @param relativeRidge the ridge penalty as a fraction of the mean diagonal of {@code X'X}; 0 for
     *     plain least squares
     * @throws IllegalArgumentException if a width is not positive or the penalty negative or NaN
     */
    public RidgeRegression(int features, int outputs, double relativeRidge) {
        if (features <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("widths must be positive: features=" + features + ", outputs=" + outputs);
        }
        if (!(relativeRidge >= 0)) {
            throw new IllegalArgumentException("ridge penalty must be >= 0: " + relativeRidge);
        }
        this.features = features;
        this.outputs = outputs;
        this.relativeRidge = relativeRidge;
        this.gram = new DMatrixRMaj(features + 1, features + 1);
        this.cross = new DMatrixRMaj(features + 1, outputs);
        this.blockX = new DMatrixRMaj(BLOCK_ROWS, features + 1);
        this.blockY = new DMatrixRMaj(BLOCK_ROWS, outputs);
    }

    /**
     * Adds one sample.
     *
     * @param x the inputs, {@code features} values from {@code xOffset}
     * @param xOffset where the sample starts in {@code x}
     * @param y the targets, {@code outputs} values from {@code yOffset}
     * @param yOffset where the targets start in {@code y}
     */
    public void add(float[] x, int xOffset, float[] y, int yOffset) {
        int row = blockFill * (features + 1);
        for (int i = 0; i < features; i++) {
            blockX.data[row + i] = x[xOffset + i];
        }
        blockX.data[row + features] = 1.0;
        int targetRow = blockFill * outputs;
        for (int i = 0; i < outputs; i++) {
            blockY.data[targetRow + i] = y[yOffset + i];
        }
        samples++;
        if (++blockFill == BLOCK_ROWS) {
            flush();
        }
    }

    /**
     * Adds one sample.
     *
     * @param x the inputs, {@code features} values
     * @param y the targets, {@code outputs} values
     */
    public void add(float[] x, float[] y) {
        add(x, 0, y, 0);
    }

    /**
     * Returns the number of samples added.
     *
     * @return the sample count
     */
    public long samples() {
        return samples;
    }

    private void flush() {
        if (blockFill == 0) {
            return;
        }
        DMatrixRMaj x = blockX;
        DMatrixRMaj y = blockY;
        if (blockFill < BLOCK_ROWS) {
            x = CommonOps_DDRM.extract(blockX, 0, blockFill, 0, features + 1);
            y = CommonOps_DDRM.extract(blockY, 0, blockFill, 0, outputs);
        }
        CommonOps_MT_DDRM.multAddTransA(x, x, gram);
        CommonOps_MT_DDRM.multAddTransA(x, y, cross);
        blockFill = 0;
    }

    /**
     * Solves for the weights and intercept, shrinking the weights towards zero. The fit can take more
     * samples and be solved again.
     *
     * @return the solution
     * @throws IllegalStateException if no sample was added or the system cannot be solved
     */
    public Solution solve() {
        return solve(null);
    }

    /**
     * Solves for the weights and intercept, shrinking the weights towards {@code prior} instead of
     * zero: minimises {@code |XW + b - Y|^2 + lambda |W - prior|^2}. With little data the solution
     * stays near the prior (e.g. the weights being refit) rather than overfitting.
     *
     * @param prior {@code [features][outputs]}, or null for zero
     * @return the solution
     * @throws IllegalStateException if no sample was added or the system cannot be solved
     * @throws IllegalArgumentException if the prior has the wrong shape
     */
    public Solution solve(double[][] prior) {
        return solve(prior, true);
    }

    /**
     * Solves for the weights alone, with no intercept (the fit goes through the origin), shrinking
     * them towards {@code prior}: minimises {@code |XW - Y|^2 + lambda |W - prior|^2}. This is the fit
     * for a projection that has no bias to absorb an intercept (LLaMA's and T5's projections).
     *
     * @param prior {@code [features][outputs]}, or null for zero
     * @return the solution, its intercept all zeros
     * @throws IllegalStateException if no sample was added or the system cannot be solved
     * @throws IllegalArgumentException if the prior has the wrong shape
     */
    public Solution solveThroughOrigin(double[][] prior) {
        return solve(prior, false);
    }

    private Solution solve(double[][] prior, boolean withIntercept) {
        if (prior != null && (prior.length != features || prior[0].length != outputs)) {
            throw new IllegalArgumentException("prior must be [" + features + "][" + outputs + "]");
        }
        flush();
        if (samples == 0) {
            throw new IllegalStateException("no samples to fit");
        }
        // Without an intercept, the system is the weights' block of the Gram matrices.
        int size = withIntercept ? features + 1 : features;
        DMatrixRMaj a = CommonOps_DDRM.extract(gram, 0, size, 0, size);
        double meanDiagonal = 0;
        for (int i = 0; i < features; i++) {
            meanDiagonal += a.get(i, i);
        }
        meanDiagonal /= features;
        // Penalise the weights, not the intercept; a floor keeps all-zero inputs solvable.
        double penalty = Math.max(relativeRidge * meanDiagonal, 1e-12 * Math.max(meanDiagonal, 1));
        DMatrixRMaj b = CommonOps_DDRM.extract(cross, 0, size, 0, outputs);
        for (int i = 0; i < features; i++) {
            a.add(i, i, penalty);
            if (prior != null) {
                for (int j = 0; j < outputs; j++) {
                    b.add(i, j, penalty * prior[i][j]);
                }
            }
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(size);
        if (!solver.setA(a)) {
            solver = LinearSolverFactory_DDRM.leastSquares(size, size);
            if (!solver.setA(CommonOps_DDRM.extract(gram, 0, size, 0, size))) {
                throw new IllegalStateException("the normal equations of " + samples + " samples cannot be solved");
            }
        }
        DMatrixRMaj solution = new DMatrixRMaj(size, outputs);
        solver.solve(b, solution);
        double[][] weights = new double[features][outputs];
        double[] intercept = new double[outputs];
        for (int i = 0; i < features; i++) {
            for (int j = 0; j < outputs; j++) {
                weights[i][j] = solution.get(i, j);
            }
        }
        for (int j = 0; withIntercept && j < outputs; j++) {
            intercept[j] = solution.get(features, j);
        }
        return new Solution(weights, intercept);
    }

    /**
     * A solved fit: {@code y = x * weights + intercept}.
     *
     * @param weights {@code [features][outputs]}
     * @param intercept {@code [outputs]}
     */
    public record Solution(double[][] weights, double[] intercept) {
    }
}
