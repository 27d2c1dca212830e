package io.greenai.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompressionPlanTest {

    private static CompressionPlan.Builder builder() {
        return new CompressionPlan.Builder();
    }

    // --- toString ---

    @Test
    void toString_writesAllStagesInOrder() {
        CompressionPlan plan = builder()
                .add(new CompressionStep.Quantize(Precision.INT8))
                .add(new CompressionStep.DistillFrom(null))
                .add(new CompressionStep.PruneMatrices(0.5))
                .add(new CompressionStep.RemoveLayers(6))
                .build();

        assertThat(plan.toString()).isEqualTo("removeLayers=6,prune=0.5,distill,quantize=INT8");
    }

    @Test
    void toString_writesOriginalForEmptyPlan() {
        assertThat(builder().build().toString()).isEqualTo("original");
    }

    @Test
    void toString_writesIndicesAscendingWithSemicolons() {
        CompressionPlan plan = builder().add(new CompressionStep.RemoveLayersAt(List.of(11, 9, 10))).build();

        assertThat(plan.toString()).isEqualTo("removeLayersAt=9;10;11");
    }

    @Test
    void toString_writesSingleStep() {
        CompressionPlan plan = builder().add(new CompressionStep.Quantize(Precision.FP16)).build();

        assertThat(plan.toString()).isEqualTo("quantize=FP16");
    }

    @Test
    void toString_writesCalibrationAsCount() {
        CompressionPlan plan = builder()
                .add(new CompressionStep.PruneMatrices(0.25))
                .calibrationTexts(List.of("a", "b", "c"))
                .build();

        assertThat(plan.toString()).isEqualTo("prune=0.25,calibration=3");
    }

    @Test
    void toString_writesCalibrationOnlyPlan() {
        CompressionPlan plan = builder().calibrationTexts(List.of("a")).build();

        assertThat(plan.toString()).isEqualTo("calibration=1");
        assertThat(plan.isEmpty()).isTrue();
    }

    // --- parse ---

    @Test
    void parse_readsAllStages() {
        CompressionPlan expected = builder()
                .add(new CompressionStep.RemoveLayers(6))
                .add(new CompressionStep.PruneMatrices(0.5))
                .add(new CompressionStep.DistillFrom(null))
                .add(new CompressionStep.Quantize(Precision.INT8))
                .build();

        assertThat(CompressionPlan.parse("removeLayers=6,prune=0.5,distill,quantize=INT8")).isEqualTo(expected);
    }

    @Test
    void parse_readsStepsInAnyOrder() {
        CompressionPlan expected = builder()
                .add(new CompressionStep.RemoveLayers(2))
                .add(new CompressionStep.Quantize(Precision.INT4))
                .build();

        assertThat(CompressionPlan.parse("quantize=INT4,removeLayers=2")).isEqualTo(expected);
    }

    @Test
    void parse_readsOriginalAsEmptyPlan() {
        assertThat(CompressionPlan.parse("original")).isEqualTo(new CompressionPlan(List.of(), List.of()));
    }

    @Test
    void parse_readsBlankStringAsEmptyPlan() {
        assertThat(CompressionPlan.parse("  ")).isEqualTo(new CompressionPlan(List.of(), List.of()));
    }

    @Test
    void parse_readsLayerIndices() {
        CompressionPlan expected = builder().add(new CompressionStep.RemoveLayersAt(List.of(9, 10, 11))).build();

        assertThat(CompressionPlan.parse("removeLayersAt=9;10;11")).isEqualTo(expected);
    }

    @Test
    void parse_toleratesSpacesAndLowerCasePrecision() {
        CompressionPlan expected = builder()
                .add(new CompressionStep.RemoveLayers(6))
                .add(new CompressionStep.Quantize(Precision.INT8))
                .build();

        assertThat(CompressionPlan.parse(" removeLayers = 6 , quantize=int8 ")).isEqualTo(expected);
    }

    @Test
    void parse_rejectsUnknownKey() {
        assertThatThrownBy(() -> CompressionPlan.parse("removeLayers=6,shrink=2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shrink");
    }

    @Test
    void parse_rejectsMissingValue() {
        assertThatThrownBy(() -> CompressionPlan.parse("removeLayers"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("removeLayers");
    }

    @Test
    void parse_rejectsEmptyValue() {
        assertThatThrownBy(() -> CompressionPlan.parse("prune="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prune");
    }

    @Test
    void parse_rejectsNonNumericCount() {
        assertThatThrownBy(() -> CompressionPlan.parse("removeLayers=six"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("removeLayers=six");
    }

    @Test
    void parse_rejectsNonNumericRatio() {
        assertThatThrownBy(() -> CompressionPlan.parse("prune=half"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prune=half");
    }

    @Test
    void parse_rejectsNonNumericIndex() {
        assertThatThrownBy(() -> CompressionPlan.parse("removeLayersAt=9;x;11"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("removeLayersAt=9;x;11");
    }

    @Test
    void parse_rejectsUnknownPrecision() {
        assertThatThrownBy(() -> CompressionPlan.parse("quantize=INT3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INT3");
    }

    @Test
    void parse_rejectsCalibration() {
        assertThatThrownBy(() -> CompressionPlan.parse("removeLayers=6,calibration=5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("calibration=5");
    }

    @Test
    void parse_rejectsValueForDistill() {
        assertThatThrownBy(() -> CompressionPlan.parse("distill=teacher"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distill=teacher");
    }

    @Test
    void parse_rejectsOutOfRangeRatio() {
        assertThatThrownBy(() -> CompressionPlan.parse("prune=1.5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }

    // --- the record itself ---

    @Test
    void equals_holdsForSameStepsAddedInDifferentOrder() {
        CompressionPlan a = new CompressionPlan(
                List.of(new CompressionStep.Quantize(Precision.INT8), new CompressionStep.RemoveLayers(6)), List.of());
        CompressionPlan b = new CompressionPlan(
                List.of(new CompressionStep.RemoveLayers(6), new CompressionStep.Quantize(Precision.INT8)), List.of());

        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a.steps()).containsExactly(
                new CompressionStep.RemoveLayers(6), new CompressionStep.Quantize(Precision.INT8));
    }

    @Test
    void equals_failsForDifferentValue() {
        CompressionPlan six = builder().add(new CompressionStep.RemoveLayers(6)).build();
        CompressionPlan five = builder().add(new CompressionStep.RemoveLayers(5)).build();

        assertThat(six).isNotEqualTo(five);
    }

    @Test
    void equals_failsForDifferentCalibrationTexts() {
        CompressionPlan a = new CompressionPlan(List.of(), List.of("x"));
        CompressionPlan b = new CompressionPlan(List.of(), List.of("y"));

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void constructor_rejectsTwoStepsOfOneStage() {
        List<CompressionStep> steps = List.of(
                new CompressionStep.RemoveLayers(6), new CompressionStep.RemoveLayersAt(List.of(1)));

        assertThatThrownBy(() -> new CompressionPlan(steps, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REMOVE");
    }

    @Test
    void constructor_copiesLists() {
        List<CompressionStep> steps = new ArrayList<>(List.of(new CompressionStep.RemoveLayers(6)));
        CompressionPlan plan = new CompressionPlan(steps, List.of());

        steps.add(new CompressionStep.Quantize(Precision.INT8));

        assertThat(plan.steps()).containsExactly(new CompressionStep.RemoveLayers(6));
        assertThatThrownBy(() -> plan.steps().add(new CompressionStep.PruneMatrices(0.1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void step_findsStepByType() {
        CompressionPlan plan = CompressionPlan.parse("removeLayers=6,quantize=INT8");

        assertThat(plan.step(CompressionStep.Quantize.class)).contains(new CompressionStep.Quantize(Precision.INT8));
        assertThat(plan.step(CompressionStep.PruneMatrices.class)).isEmpty();
    }

    @Test
    void builder_rejectsSecondStepOfStageNamingFirst() {
        CompressionPlan.Builder builder = builder().add(new CompressionStep.RemoveLayersAt(List.of(4, 5)));

        assertThatThrownBy(() -> builder.add(new CompressionStep.RemoveLayers(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("removeLayersAt=4;5");
    }

    @Test
    void checkAgainst_acceptsHighestIndex() {
        CompressionPlan plan = CompressionPlan.parse("removeLayersAt=11");

        assertThatCode(() -> plan.checkAgainst(structureWithLayers(12))).doesNotThrowAnyException();
    }

    @Test
    void checkAgainst_rejectsIndexEqualToLayerCount() {
        CompressionPlan plan = CompressionPlan.parse("removeLayersAt=3;12");

        assertThatThrownBy(() -> plan.checkAgainst(structureWithLayers(12)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12");
    }

    private static ModelStructure structureWithLayers(int count) {
        List<LayerInfo> layers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            layers.add(new LayerInfo(i, 4, 16, 256, "gelu", NormPlacement.PRE));
        }
        return new ModelStructure("test", 64, layers);
    }

    @Test
    void parse_rejectsStageSetTwiceAsIllegalArgument() {
        assertThatThrownBy(() -> CompressionPlan.parse("removeLayers=6,removeLayers=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("removeLayers=6");
    }

    @Test
    void parse_rejectsUnknownPrecisionListingChoices() {
        assertThatThrownBy(() -> CompressionPlan.parse("quantize=INT3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantize=INT3")
                .hasMessageContaining("INT8");
    }

    @Test
    void parse_rejectsTrailingComma() {
        assertThatThrownBy(() -> CompressionPlan.parse("removeLayers=6,"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty step");
    }
}
