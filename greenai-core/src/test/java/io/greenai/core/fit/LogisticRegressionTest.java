package io.greenai.core.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

    @Test
    void fit_reachesTheOptimumOfThePenalisedLogLoss() {
        Random random = new Random(3);
        int n = 200;
        float[][] x = new float[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = (float) random.nextGaussian();
            x[i][1] = (float) random.nextGaussian();
            double p = 1 / (1 + Math.exp(-(2 * x[i][0] - x[i][1] + 0.5)));
            y[i] = random.nextDouble() < p ? 1 : 0;
        }
        double l2 = 0.7;

        LinearModel model = new LogisticRegression(l2).fit(x, y, 2);

        // Optimality, checked independently: the gradient X'(p - y) + l2 w (no penalty on b) is zero.
        double[] w = {model.weights()[0][1], model.weights()[1][1]};
        double b = model.intercept()[1];
        double[] gradient = new double[3];
        for (int i = 0; i < n; i++) {
            double p = 1 / (1 + Math.exp(-(w[0] * x[i][0] + w[1] * x[i][1] + b)));
            gradient[0] += (p - y[i]) * x[i][0];
            gradient[1] += (p - y[i]) * x[i][1];
            gradient[2] += p - y[i];
        }
        gradient[0] += l2 * w[0];
        gradient[1] += l2 * w[1];
        assertThat(gradient).containsExactly(new double[] {0, 0, 0}, within(1e-6));
        assertThat(model.weights()[0][0]).isZero();
        assertThat(model.intercept()[0]).isZero();
        assertThat(w[0]).isCloseTo(2, within(0.8));
    }

    @Test
    void fit_threeClassesGivesOneColumnPerClass() {
        float[][] x = {{0}, {0.1f}, {5}, {5.1f}, {10}, {10.1f}};
        int[] y = {0, 0, 1, 1, 2, 2};

        LinearModel model = new LogisticRegression(0.01).fit(x, y, 3);

        assertThat(model.outputs()).isEqualTo(3);
        for (int i = 0; i < x.length; i += 2) {
            double[] scores = model.apply(x[i]);
            int best = 0;
            for (int k = 1; k < 3; k++) {
                best = scores[k] > scores[best] ? k : best;
            }
            assertThat(best).as("row %d", i).isEqualTo(y[i]);
        }
    }

    @Test
    void fit_rejectsLabelsOutOfRangeAndNegativePenalty() {
        assertThatThrownBy(() -> new LogisticRegression(1).fit(new float[][] {{1}}, new int[] {2}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 2");
        assertThatThrownBy(() -> new LogisticRegression(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
