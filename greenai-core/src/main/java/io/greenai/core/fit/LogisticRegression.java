package io.greenai.core.fit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * L2-regularised logistic regression, fit by Newton's method (iteratively reweighted least squares)
 * with EJML. Two classes give one logistic model whose scores are {@code [0, z]}, so a softmax over
 * them is exactly the logistic probability; more classes are fit one against the rest, one column
 * each.
 *
 * <pre>{@code
 * LinearModel head = new LogisticRegression(1.0).fit(embeddings, labels, 2);
 * double[] logits = head.apply(embedding);
 * }</pre>
 *
 * <p>The objective is the summed log loss plus {@code l2/2 |w|^2} (the intercept is not penalised),
 * the same as scikit-learn's {@code LogisticRegression(C = 1/l2)}.
 */
public final class LogisticRegression {

    private static final int MAX_ITERATIONS = 50;
    private static final double TOLERANCE = 1e-7;

    private final double l2;

    /**
     * Creates a solver.
     *
     * @param l2 the penalty on the weights, at least 0 (1.0 is scikit-learn's default C = 1)
     * @throws IllegalArgumentException if the penalty is negative or NaN
     */
    public LogisticRegression(double l2) {
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2 penalty must be >= 0: " + l2);
        }
        this.l2 = l2;
    }

    /**
     * Fits the model.
     *
     * @param x one row of features per example, all the same length
     * @param y the class of each example, in {@code [0, classes)}
     * @param classes the number of classes, at least 2
     * @return weights {@code [features][classes]} and intercepts; for two classes column 0 is zero
     * @throws IllegalArgumentException if the shapes disagree or a label is out of range
     * @throws IllegalStateException if Newton's step cannot be solved (e.g. no penalty and separable data)
     */
    public LinearModel fit(float[][] x, int[] y, int classes) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need one label per row, at least one row: " + x.length + " rows, "
                    + y.length + " labels");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("need at least 2 classes: " + classes);
        }
        int n = x.length;
        int d = x[0].length;
        DMatrixRMaj design = new DMatrixRMaj(n, d + 1);
        for (int r = 0; r < n; r++) {
            if (x[r].length != d) {
                throw new IllegalArgumentException("row " + r + " has " + x[r].length + " features, row 0 has " + d);
            }
            if (y[r] < 0 || y[r] >= classes) {
                throw new IllegalArgumentException("label " + y[r] + " of row " + r + " is outside [0, " + classes + ")");
            }
            for (int c = 0; c < d; c++) {
                design.unsafe_set(r, c, x[r][c]);
            }
            design.unsafe_set(r, d, 1.0);
        }
        double[][] weights = new double[d][classes];
        double[] intercept = new double[classes];
        int first = classes == 2 ? 1 : 0;
        for (int k = first; k < classes; k++) {
            double[] target = new double[n];
            for (int r = 0; r < n; r++) {
                target[r] = y[r] == k ? 1 : 0;
            }
            double[] w = binary(design, target, d);
            for (int c = 0; c < d; c++) {
                weights[c][k] = w[c];
            }
            intercept[k] = w[d];
        }
        return new LinearModel(weights, intercept);
    }

    private double[] binary(DMatrixRMaj design, double[] target, int d) {
        int n = design.numRows;
        DMatrixRMaj w = new DMatrixRMaj(d + 1, 1);
        DMatrixRMaj z = new DMatrixRMaj(n, 1);
        DMatrixRMaj weighted = new DMatrixRMaj(n, d + 1);
        DMatrixRMaj hessian = new DMatrixRMaj(d + 1, d + 1);
        DMatrixRMaj residual = new DMatrixRMaj(n, 1);
        DMatrixRMaj gradient = new DMatrixRMaj(d + 1, 1);
        DMatrixRMaj step = new DMatrixRMaj(d + 1, 1);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            CommonOps_DDRM.mult(design, w, z);
            for (int r = 0; r < n; r++) {
                double p = 1 / (1 + Math.exp(-z.data[r]));
                residual.data[r] = p - target[r];
                double s = Math.max(p * (1 - p), 1e-12);
                double root = Math.sqrt(s);
                int offset = r * (d + 1);
                for (int c = 0; c <= d; c++) {
                    weighted.data[offset + c] = design.data[offset + c] * root;
                }
            }
            CommonOps_MT_DDRM.multTransA(weighted, weighted, hessian);
            CommonOps_DDRM.multTransA(design, residual, gradient);
            for (int c = 0; c < d; c++) {
                hessian.add(c, c, l2);
                gradient.data[c] += l2 * w.data[c];
            }
            hessian.add(d, d, 1e-9);
            LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(d + 1);
            if (!solver.setA(hessian)) {
                throw new IllegalStateException("Newton step of logistic regression cannot be solved at iteration "
                        + iteration + "; use a larger l2 penalty");
            }
            solver.solve(gradient, step);
            double largest = 0;
            for (int c = 0; c <= d; c++) {
                w.data[c] -= step.data[c];
                largest = Math.max(largest, Math.abs(step.data[c]));
            }
            if (largest < TOLERANCE) {
                break;
            }
        }
        return w.data.clone();
    }
}
