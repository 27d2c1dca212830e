package io.greenai.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LayerSelectionTest {

    // --- defaultChoice: keep layers spread evenly, first and last among them ---

    @Test
    void defaultChoice_keepsEvenlySpreadLayers() {
        // keep round(i * 11 / 5) for i = 0..5: 0, 2, 4, 7, 9, 11
        assertThat(LayerSelection.defaultChoice(12, 6)).containsExactly(1, 3, 5, 6, 8, 10);
        // keep round(i * 11 / 8) for i = 0..8: 0, 1, 3, 4, 6, 7, 8, 10, 11
        assertThat(LayerSelection.defaultChoice(12, 3)).containsExactly(2, 5, 9);
    }

    @Test
    void defaultChoice_picksNothingForZero() {
        assertThat(LayerSelection.defaultChoice(12, 0)).isEmpty();
    }

    @Test
    void defaultChoice_picksFirstOfTwoLayers() {
        assertThat(LayerSelection.defaultChoice(2, 1)).containsExactly(0);
    }

    @Test
    void defaultChoice_keepsOnlyLastLayerWhenRemovingAllButOne() {
        assertThat(LayerSelection.defaultChoice(4, 3)).containsExactly(0, 1, 2);
    }

    @Test
    void defaultChoice_picksNothingFromSingleLayer() {
        assertThat(LayerSelection.defaultChoice(1, 0)).isEmpty();
    }

    @Test
    void defaultChoice_rejectsRemovingAllLayers() {
        assertThatThrownBy(() -> LayerSelection.defaultChoice(12, 12))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12");
    }

    @Test
    void defaultChoice_rejectsNegativeCount() {
        assertThatThrownBy(() -> LayerSelection.defaultChoice(12, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void defaultChoice_rejectsZeroLayers() {
        assertThatThrownBy(() -> LayerSelection.defaultChoice(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }

    // --- mostRedundant: the n lowest scores, ascending indices ---

    @Test
    void mostRedundant_picksLowestScoresAscending() {
        //                 layer:   0    1    2     3    4    5
        double[] scores = {0.90, 0.20, 0.70, 0.05, 0.50, 0.10};

        // Lowest three: layer 3 (0.05), layer 5 (0.10), layer 1 (0.20).
        assertThat(LayerSelection.mostRedundant(scores, 3)).containsExactly(1, 3, 5);
    }

    @Test
    void mostRedundant_breaksTiesByLowerIndex() {
        //                 layer:   0    1    2    3    4
        double[] scores = {0.30, 0.10, 0.30, 0.30, 0.80};

        // Layer 1 is lowest; of the three tied at 0.30, layers 0 and 2 come before 3.
        assertThat(LayerSelection.mostRedundant(scores, 3)).containsExactly(0, 1, 2);
    }

    @Test
    void mostRedundant_ordersNegativeAndInfiniteScores() {
        double[] scores = {Double.POSITIVE_INFINITY, -1.0, 0.0, Double.NEGATIVE_INFINITY};

        assertThat(LayerSelection.mostRedundant(scores, 2)).containsExactly(1, 3);
    }

    @Test
    void mostRedundant_picksNothingForZero() {
        assertThat(LayerSelection.mostRedundant(new double[] {0.1, 0.2}, 0)).isEmpty();
    }

    @Test
    void mostRedundant_leavesScoresUnchanged() {
        double[] scores = {0.9, 0.1, 0.5};

        LayerSelection.mostRedundant(scores, 2);

        assertThat(scores).containsExactly(0.9, 0.1, 0.5);
    }

    @Test
    void mostRedundant_rejectsRemovingAllLayers() {
        assertThatThrownBy(() -> LayerSelection.mostRedundant(new double[] {0.1, 0.2, 0.3}, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3");
    }

    @Test
    void mostRedundant_rejectsNegativeCount() {
        assertThatThrownBy(() -> LayerSelection.mostRedundant(new double[] {0.1, 0.2, 0.3}, -2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-2");
    }

    @Test
    void mostRedundant_rejectsEmptyScores() {
        assertThatThrownBy(() -> LayerSelection.mostRedundant(new double[0], 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mostRedundant_rejectsNaN() {
        assertThatThrownBy(() -> LayerSelection.mostRedundant(new double[] {0.1, Double.NaN, 0.3}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 1")
                .hasMessageContaining("NaN");
    }
}
