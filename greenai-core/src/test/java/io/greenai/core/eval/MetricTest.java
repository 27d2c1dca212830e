package io.greenai.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricTest {

    // predicted vs expected: tp = 2 (i 0, 1), fn = 1 (i 2), fp = 1 (i 3), tn = 2 (i 4, 5)
    private static final int[] PREDICTED = {1, 1, 0, 1, 0, 0};
    private static final int[] EXPECTED = {1, 1, 1, 0, 0, 0};

    @Test
    void accuracy_countsMatches() {
        assertThat(Metric.ACCURACY.compute(PREDICTED, EXPECTED)).isEqualTo(4.0 / 6);
    }

    @Test
    void f1_isHarmonicMeanOfPrecisionAndRecall() {
        double precision = 2.0 / 3;
        double recall = 2.0 / 3;
        assertThat(Metric.F1.compute(PREDICTED, EXPECTED)).isCloseTo(2 * precision * recall / (precision + recall),
                within(1e-12));
    }

    @Test
    void matthews_matchesTheFormulaByHand() {
        double mcc = (2.0 * 2 - 1.0 * 1) / Math.sqrt(3.0 * 3 * 3 * 3);
        assertThat(Metric.MATTHEWS.compute(PREDICTED, EXPECTED)).isCloseTo(mcc, within(1e-12));
        assertThat(Metric.MATTHEWS.compute(new int[] {0, 0}, new int[] {0, 1})).isZero();
    }

    @Test
    void forTask_followsGlue() {
        assertThat(Metric.forTask("CoLA")).isEqualTo(Metric.MATTHEWS);
        assertThat(Metric.forTask("mrpc")).isEqualTo(Metric.F1);
        assertThat(Metric.forTask("SST-2")).isEqualTo(Metric.ACCURACY);
        assertThat(Metric.forTask("imdb")).isEqualTo(Metric.ACCURACY);
    }

    @Test
    void compute_rejectsMismatchedLengthsAndMultiClassF1() {
        assertThatThrownBy(() -> Metric.ACCURACY.compute(new int[] {1}, new int[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Metric.F1.compute(new int[] {2}, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 2");
    }
}
