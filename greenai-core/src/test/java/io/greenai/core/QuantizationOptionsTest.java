package io.greenai.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenai.core.QuantizationOptions.Activations;
import io.greenai.core.QuantizationOptions.Target;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class QuantizationOptionsTest {

    private static QuantizationOptions.Builder options() {
        return QuantizationOptions.builder();
    }

    @Test
    void defaults_areCpuDynamicBlocksOf32() {
        QuantizationOptions defaults = QuantizationOptions.defaults();

        assertThat(defaults).isEqualTo(new QuantizationOptions(Target.CPU, Activations.DYNAMIC, 32));
        assertThat(defaults.isDefault()).isTrue();
        assertThat(options().build()).isEqualTo(defaults);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8, 15, 24, 33, -32})
    void blockSize_rejectsNonPowerOfTwoOrBelow16(int size) {
        assertThatThrownBy(() -> options().blockSize(size).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("block size").hasMessageContaining(String.valueOf(size));
    }

    @Test
    void blockSize_acceptsPowersOfTwoFrom16() {
        assertThat(options().blockSize(16).build().blockSize()).isEqualTo(16);
        assertThat(options().blockSize(128).build().blockSize()).isEqualTo(128);
    }

    // --- options checked against the precision ---

    @Test
    void quantize_rejectsFp32AsNoChange() {
        assertThatThrownBy(() -> new CompressionStep.Quantize(Precision.FP32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FP32");
    }

    @Test
    void quantize_rejectsStaticActivationsForInt4() {
        QuantizationOptions staticScales = options().activations(Activations.STATIC).build();

        assertThatThrownBy(() -> new CompressionStep.Quantize(Precision.INT4, staticScales))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INT8 only")
                .hasMessageContaining("INT4");
    }

    @Test
    void quantize_rejectsBlockSizeForInt8() {
        QuantizationOptions blocks = options().blockSize(64).build();

        assertThatThrownBy(() -> new CompressionStep.Quantize(Precision.INT8, blocks))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INT4 only")
                .hasMessageContaining("64");
    }

    @Test
    void quantize_rejectsDynamicInt8OnGpuNamingTheReason() {
        QuantizationOptions gpu = options().target(Target.GPU).build();

        assertThatThrownBy(() -> new CompressionStep.Quantize(Precision.INT8, gpu))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GPU").hasMessageContaining("DynamicQuantizeMatMul")
                .hasMessageContaining("CPU only");
    }

    @Test
    void quantize_acceptsStaticInt8Int4AndFp16OnGpu() {
        QuantizationOptions gpu = options().target(Target.GPU).build();

        new CompressionStep.Quantize(Precision.INT8, options().target(Target.GPU).activations(Activations.STATIC)
                .build());
        new CompressionStep.Quantize(Precision.INT4, gpu);
        new CompressionStep.Quantize(Precision.FP16, gpu);
    }

    // --- plan strings ---

    @Test
    void spec_writesOnlyOptionsThatDifferFromDefaults() {
        assertThat(new CompressionStep.Quantize(Precision.INT8).spec()).isEqualTo("quantize=INT8");
        assertThat(new CompressionStep.Quantize(Precision.INT8, options().activations(Activations.STATIC).build())
                .spec()).isEqualTo("quantize=INT8-static");
        assertThat(new CompressionStep.Quantize(Precision.INT4, options().blockSize(64).target(Target.GPU).build())
                .spec()).isEqualTo("quantize=INT4-b64-gpu");
        assertThat(new CompressionStep.Quantize(Precision.FP16, options().target(Target.GPU).build()).spec())
                .isEqualTo("quantize=FP16-gpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"quantize=INT8", "quantize=INT8-static", "quantize=INT8-static-gpu", "quantize=INT4",
        "quantize=INT4-b64", "quantize=INT4-b128-gpu", "quantize=FP16", "quantize=FP16-gpu",
        "removeLayers=6,quantize=INT4-b16"})
    void parse_roundTripsThroughToString(String spec) {
        assertThat(CompressionPlan.parse(spec).toString()).isEqualTo(spec);
    }

    @Test
    void parse_readsDefaultsAsPlainInt8() {
        CompressionPlan plain = CompressionPlan.parse("quantize=INT8");
        CompressionPlan spelledOut = CompressionPlan.parse("quantize=int8-Dynamic-CPU-b32");

        assertThat(plain.step(CompressionStep.Quantize.class)).contains(
                new CompressionStep.Quantize(Precision.INT8, QuantizationOptions.defaults()));
        assertThat(spelledOut).isEqualTo(plain);
    }

    @Test
    void parse_acceptsOptionsInAnyOrder() {
        assertThat(CompressionPlan.parse("quantize=INT8-gpu-static"))
                .isEqualTo(CompressionPlan.parse("quantize=INT8-static-gpu"));
    }

    @Test
    void parse_rejectsUnknownOptionListingChoices() {
        assertThatThrownBy(() -> CompressionPlan.parse("quantize=INT8-fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast'").hasMessageContaining("static");
    }

    @Test
    void parse_rejectsOptionThatDoesNotFitPrecision() {
        assertThatThrownBy(() -> CompressionPlan.parse("quantize=FP16-b64"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INT4 only");
        assertThatThrownBy(() -> CompressionPlan.parse("quantize=INT8-gpu"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CPU only");
    }

    @Test
    void parse_rejectsBadBlockSize() {
        assertThatThrownBy(() -> CompressionPlan.parse("quantize=INT4-b48"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48");
    }

    // --- rules checked by build() ---

    @Test
    void checkAgainst_rejectsStaticInt8WithoutCalibrationTexts() {
        CompressionPlan plan = CompressionPlan.parse("quantize=INT8-static");

        assertThatThrownBy(() -> plan.checkAgainst(twoLayers()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("quantize=INT8-static").hasMessageContaining("calibrateWith");
    }

    @Test
    void checkAgainst_acceptsStaticInt8WithCalibrationTexts() {
        CompressionPlan plan = new CompressionPlan.Builder()
                .add(new CompressionStep.Quantize(Precision.INT8, options().activations(Activations.STATIC).build()))
                .calibrationTexts(List.of("a sentence"))
                .build();

        plan.checkAgainst(twoLayers());
    }

    private static ModelStructure twoLayers() {
        return new ModelStructure("test", 64, List.of(new LayerInfo(0, 4, 16, 256, "gelu", NormPlacement.POST),
                new LayerInfo(1, 4, 16, 256, "gelu", NormPlacement.POST)));
    }
}
