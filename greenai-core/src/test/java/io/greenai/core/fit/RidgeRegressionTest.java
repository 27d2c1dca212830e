package io.greenai.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RidgeRegressionTest {

    @Test
    void solve_recoversExactLinearMapWithIntercept() {
        // y0 = 2 x0 - x1 + 3, y1 = 0.5 x1 - 1: a hand-chosen map, recovered from 1000 noiseless samples.
        RidgeRegression fit = new RidgeRegression(2, 2, 0);
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            float x0 = (float) random.nextGaussian();
            float x1 = (float) random.nextGaussian();
            fit.add(new float[] {x0, x1}, new float[] {2 * x0 - x1 + 3, 0.5f * x1 - 1});
        }

        RidgeRegression.Solution solution = fit.solve();

        assertThat(solution.weights()[0][0]).isCloseTo(2, within(1e-5));
        assertThat(solution.weights()[1][0]).isCloseTo(-1, within(1e-5));
        assertThat(solution.weights()[0][1]).isCloseTo(0, within(1e-5));
        assertThat(solution.weights()[1][1]).isCloseTo(0.5, within(1e-5));
        assertThat(solution.intercept()).containsExactly(new double[] {3, -1}, within(1e-5));
        assertThat(fit.samples()).isEqualTo(1000);
    }

    @Test
    void solveThroughOrigin_fitsNoInterceptByHandComputedSlope() {
        // x = 1, 2, 3 with y = 2, 3, 4 (y = x + 1): with an intercept the slope is 1; through the origin
        // it is sum(xy) / sum(x^2) = (2 + 6 + 12) / (1 + 4 + 9) = 20 / 14.
        RidgeRegression fit = new RidgeRegression(1, 1, 0);
        for (int x = 1; x <= 3; x++) {
            fit.add(new float[] {x}, new float[] {x + 1});
        }

        RidgeRegression.Solution origin = fit.solveThroughOrigin(null);

        assertThat(origin.weights()[0][0]).isCloseTo(20.0 / 14, within(1e-9));
        assertThat(origin.intercept()).containsExactly(0.0);
        assertThat(fit.solve().weights()[0][0]).isCloseTo(1, within(1e-9));
    }

    @Test
    void solve_ridgeShrinksTowardsZeroByHandComputedFactor() {
        // One feature x = +-1 (mean 0, so the intercept decouples), y = x, n = 10 samples: X'X = 10, and
        // the penalty is r times its mean diagonal, 0.25 * 10 = 2.5, so w = 10 / (10 + 2.5) = 0.8.
        RidgeRegression fit = new RidgeRegression(1, 1, 0.25);
        for (int i = 0; i < 10; i++) {
            float x = i % 2 == 0 ? 1 : -1;
            fit.add(new float[] {x}, new float[] {x});
        }

        assertThat(fit.solve().weights()[0][0]).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void solve_withPriorShrinksTowardsPriorByHandComputedFactor() {
        // As above, but shrinking towards a prior of 2: w = (X'y + lambda * 2) / (X'X + lambda)
        // = (10 + 2.5 * 2) / (10 + 2.5) = 1.2.
        RidgeRegression fit = new RidgeRegression(1, 1, 0.25);
        for (int i = 0; i < 10; i++) {
            float x = i % 2 == 0 ? 1 : -1;
            fit.add(new float[] {x}, new float[] {x});
        }

        assertThat(fit.solve(new double[][] {{2}}).weights()[0][0]).isCloseTo(1.2, within(1e-9));
    }

    @Test
    void solve_handlesConstantZeroFeature() {
        RidgeRegression fit = new RidgeRegression(2, 1, 0);
        for (int i = 0; i < 20; i++) {
            fit.add(new float[] {i, 0}, new float[] {3f * i});
        }

        RidgeRegression.Solution solution = fit.solve();

        assertThat(solution.weights()[0][0]).isCloseTo(3, within(1e-6));
        assertThat(solution.weights()[1][0]).isCloseTo(0, within(1e-6));
    }

    @Test
    void solve_rejectsEmptyFit() {
        assertThatThrownBy(() -> new RidgeRegression(3, 1, 0).solve())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no samples");
    }

    @Test
    void constructor_rejectsBadArguments() {
        assertThatThrownBy(() -> new RidgeRegression(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RidgeRegression(1, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
