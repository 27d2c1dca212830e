package io.greenai.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompressorTest {

    /**
     * A stand-in model: a layer count and the plan it was last applied with ({@code null} for a model
     * that was never compressed). {@code apply} returns a new value and never changes this one.
     */
    record FakeModel(int layers, CompressionPlan appliedPlan) implements CompressibleModel<FakeModel> {

        static FakeModel withLayers(int layers) {
            return new FakeModel(layers, null);
        }

        @Override
        public ModelStructure structure() {
            List<LayerInfo> infos = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                infos.add(new LayerInfo(i, 12, 64, 3072, "gelu", NormPlacement.POST));
            }
            return new ModelStructure("fake encoder", 768, infos);
        }

        @Override
        public FakeModel apply(CompressionPlan plan) {
            return new FakeModel(layers, plan);
        }
    }

    private static final FakeModel TWELVE = FakeModel.withLayers(12);

    // --- each verb checks its value at once ---

    @Test
    void removeLayers_rejectsNegative() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE);

        assertThatThrownBy(() -> compressor.removeLayers(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void pruneMatrices_rejectsRatioAboveOne() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).pruneMatrices(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }

    @Test
    void pruneMatrices_rejectsRatioOfOne() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).pruneMatrices(1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.0");
    }

    @Test
    void pruneMatrices_rejectsNaN() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).pruneMatrices(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void pruneMatrices_rejectsNegative() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).pruneMatrices(-0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-0.1");
    }

    @Test
    void pruneMatrices_acceptsZero() {
        CompressionPlan plan = Compressor.of(TWELVE).pruneMatrices(0.0).plan();

        assertThat(plan.steps()).containsExactly(new CompressionStep.PruneMatrices(0.0));
    }

    @Test
    void removeLayersAt_rejectsRepeatedIndex() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).removeLayersAt(3, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3");
    }

    @Test
    void removeLayersAt_rejectsNoIndex() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).removeLayersAt())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }

    @Test
    void removeLayersAt_rejectsNegativeIndex() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).removeLayersAt(2, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void calibrateWith_rejectsEmptyList() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).calibrateWith(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one text");
    }

    @Test
    void calibrateWith_rejectsBlankText() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).calibrateWith(List.of("a sentence", "  \t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("calibration text 1");
    }

    @Test
    void calibrateWith_rejectsNullText() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).calibrateWith(Arrays.asList("a sentence", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("calibration text 1");
    }

    @Test
    void removeLayers_leavesPlanUnchangedWhenRejected() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE);
        assertThatThrownBy(() -> compressor.removeLayers(-1)).isInstanceOf(IllegalArgumentException.class);

        // The failed call must not have taken the REMOVE stage: a valid call still works.
        compressor.removeLayers(2);

        assertThat(compressor.plan().toString()).isEqualTo("removeLayers=2");
    }

    // --- a second call of the same stage ---

    @Test
    void quantize_rejectsSecondCallNamingEarlierSetting() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).quantize(Precision.INT8);

        assertThatThrownBy(() -> compressor.quantize(Precision.FP16))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INT8");
    }

    @Test
    void removeLayersAt_rejectsCallAfterRemoveLayersNamingIt() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).removeLayers(6);

        assertThatThrownBy(() -> compressor.removeLayersAt(1, 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("removeLayers=6");
    }

    @Test
    void pruneMatrices_rejectsSecondCallNamingEarlierSetting() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).pruneMatrices(0.25);

        assertThatThrownBy(() -> compressor.pruneMatrices(0.5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0.25");
    }

    @Test
    void distillFrom_rejectsSecondCall() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).distillFrom(TWELVE);

        assertThatThrownBy(() -> compressor.distillFrom(TWELVE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("distill");
    }

    @Test
    void calibrateWith_rejectsSecondCallNamingEarlierCount() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).calibrateWith(List.of("one", "two"));

        assertThatThrownBy(() -> compressor.calibrateWith(List.of("three")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 texts");
    }

    @Test
    void withPlan_rejectsStageAlreadySetByVerb() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).quantize(Precision.INT8);

        assertThatThrownBy(() -> compressor.withPlan("quantize=INT4"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INT8");
    }

    // --- rules checked by build() against the model ---

    @Test
    void build_rejectsRemovingAllLayers() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).removeLayers(12);

        assertThatThrownBy(compressor::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12");
    }

    @Test
    void build_rejectsRemovingMoreLayersThanExist() {
        Compressor<FakeModel> compressor = Compressor.of(FakeModel.withLayers(4)).removeLayers(7);

        assertThatThrownBy(compressor::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7");
    }

    @Test
    void build_acceptsRemovingAllButOneLayer() {
        FakeModel result = Compressor.of(TWELVE).removeLayers(11).build();

        assertThat(result.appliedPlan().steps()).containsExactly(new CompressionStep.RemoveLayers(11));
    }

    @Test
    void build_rejectsLayerIndexOutOfRange() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).removeLayersAt(2, 12);

        assertThatThrownBy(compressor::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12");
    }

    @Test
    void build_rejectsRemovingEveryIndexedLayer() {
        Compressor<FakeModel> compressor = Compressor.of(FakeModel.withLayers(3)).removeLayersAt(0, 1, 2);

        assertThatThrownBy(compressor::build).isInstanceOf(IllegalArgumentException.class);
    }

    // --- build() runs the plan in the fixed stage order ---

    @Test
    void build_sortsStepsInStageOrder() {
        FakeModel result = Compressor.of(TWELVE)
                .quantize(Precision.INT8)
                .distillFrom(TWELVE)
                .pruneMatrices(0.5)
                .removeLayers(6)
                .build();

        assertThat(result.appliedPlan().steps()).containsExactly(
                new CompressionStep.RemoveLayers(6),
                new CompressionStep.PruneMatrices(0.5),
                new CompressionStep.DistillFrom(TWELVE),
                new CompressionStep.Quantize(Precision.INT8));
        assertThat(result.appliedPlan().steps())
                .extracting(CompressionStep::stage)
                .containsExactly(CompressionStep.Stage.REMOVE, CompressionStep.Stage.PRUNE,
                        CompressionStep.Stage.DISTILL, CompressionStep.Stage.QUANTIZE);
    }

    @Test
    void build_passesCalibrationTextsToModel() {
        FakeModel result = Compressor.of(TWELVE)
                .calibrateWith(List.of("first text", "second text"))
                .removeLayers(3)
                .build();

        assertThat(result.appliedPlan().calibrationTexts()).containsExactly("first text", "second text");
        assertThat(result.appliedPlan().toString()).isEqualTo("removeLayers=3,calibration=2");
    }

    @Test
    void build_passesEmptyPlanWhenNoVerbCalled() {
        FakeModel result = Compressor.of(TWELVE).build();

        assertThat(result.appliedPlan().isEmpty()).isTrue();
        assertThat(result.appliedPlan().calibrationTexts()).isEmpty();
    }

    @Test
    void build_leavesInputModelUnchanged() {
        FakeModel input = FakeModel.withLayers(12);
        Compressor<FakeModel> compressor = Compressor.of(input).removeLayers(6).quantize(Precision.INT8);

        FakeModel result = compressor.build();

        assertThat(input).isEqualTo(new FakeModel(12, null));
        assertThat(result).isNotSameAs(input);
    }

    @Test
    void build_canRunTwice() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).removeLayers(6).quantize(Precision.INT8);

        FakeModel first = compressor.build();
        FakeModel second = compressor.build();

        List<CompressionStep> expected = List.of(
                new CompressionStep.RemoveLayers(6), new CompressionStep.Quantize(Precision.INT8));
        assertThat(first.appliedPlan().steps()).isEqualTo(expected);
        assertThat(second.appliedPlan().steps()).isEqualTo(expected);
        assertThat(first).isNotSameAs(second);
    }

    @Test
    void plan_isSnapshotUnaffectedByLaterVerbs() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).removeLayers(6);
        CompressionPlan before = compressor.plan();

        compressor.quantize(Precision.INT8);

        assertThat(before.steps()).containsExactly(new CompressionStep.RemoveLayers(6));
        assertThat(compressor.plan().steps()).hasSize(2);
    }

    // --- plan strings go through the same builder ---

    @Test
    void withPlan_givesSamePlanAsVerbs() {
        CompressionPlan fromString = Compressor.of(TWELVE).withPlan("removeLayers=6,quantize=INT8").plan();
        CompressionPlan fromVerbs = Compressor.of(TWELVE).removeLayers(6).quantize(Precision.INT8).plan();

        assertThat(fromString).isEqualTo(fromVerbs);
        assertThat(fromString.steps()).containsExactly(
                new CompressionStep.RemoveLayers(6), new CompressionStep.Quantize(Precision.INT8));
    }

    @Test
    void withPlan_buildsSameModelAsVerbs() {
        FakeModel fromString = Compressor.of(TWELVE).withPlan("removeLayersAt=9;10;11,prune=0.5").build();
        FakeModel fromVerbs = Compressor.of(TWELVE).pruneMatrices(0.5).removeLayersAt(11, 9, 10).build();

        assertThat(fromString).isEqualTo(fromVerbs);
    }

    @Test
    void withPlan_rejectsBadValueLikeVerb() {
        assertThatThrownBy(() -> Compressor.of(TWELVE).withPlan("prune=1.5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }

    @Test
    void of_rejectsNullModel() {
        assertThatThrownBy(() -> Compressor.<FakeModel>of(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("model");
    }

    @Test
    void quantize_withOptionsRecordsThemInThePlan() {
        QuantizationOptions options = QuantizationOptions.builder().blockSize(64).build();

        CompressionPlan plan = Compressor.of(TWELVE).removeLayers(2).quantize(Precision.INT4, options).plan();

        assertThat(plan.toString()).isEqualTo("removeLayers=2,quantize=INT4-b64");
        assertThat(plan.step(CompressionStep.Quantize.class)).contains(new CompressionStep.Quantize(Precision.INT4,
                options));
    }

    @Test
    void quantize_rejectsDynamicInt8ForGpuAtOnceAndKeepsStageFree() {
        Compressor<FakeModel> compressor = Compressor.of(TWELVE);
        QuantizationOptions gpu = QuantizationOptions.builder().target(QuantizationOptions.Target.GPU).build();

        assertThatThrownBy(() -> compressor.quantize(Precision.INT8, gpu))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CPU only");
        compressor.quantize(Precision.FP16, gpu);

        assertThat(compressor.plan().toString()).isEqualTo("quantize=FP16-gpu");
    }

    @Test
    void build_rejectsStaticInt8WithoutCalibrationTexts() {
        QuantizationOptions staticScales = QuantizationOptions.builder()
                .activations(QuantizationOptions.Activations.STATIC).build();
        Compressor<FakeModel> compressor = Compressor.of(TWELVE).quantize(Precision.INT8, staticScales);

        assertThatThrownBy(compressor::build)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("calibrateWith");
    }
}
