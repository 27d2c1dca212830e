package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.Compressor;
import io.greenai.core.Precision;
import io.greenai.core.QuantizationOptions;
import io.greenai.core.UnsupportedModelException;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.quant.ActivationRange;
import io.greenai.onnx.quant.Quantizer;
import io.greenai.onnx.runtime.Embeddings;
import io.greenai.onnx.runtime.FloatTensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quantization of fixture transformers built in code, checked against the float model in ONNX Runtime. */
class QuantizationTest {

    private static final int LAYERS = 4;

    @TempDir
    Path temp;

    /** A fixture wide enough for blocks of 32 along K and an embedding table worth quantizing. */
    private static TinyTransformer fixture() {
        return new TinyTransformer().hidden(64, 4, 256);
    }

    private static OnnxModel model() {
        return OnnxModel.of(fixture().build(), "tiny");
    }

    /** 8 rows of 16 random tokens, the last rows padded. */
    private static Map<String, long[][]> inputs() {
        Random random = new Random(3);
        long[][] ids = new long[8][16];
        long[][] mask = new long[8][16];
        for (int row = 0; row < 8; row++) {
            int length = 16 - row;
            for (int i = 0; i < length; i++) {
                ids[row][i] = random.nextInt(TinyTransformer.VOCAB);
                mask[row][i] = 1;
            }
        }
        return Map.of("input_ids", ids, "attention_mask", mask);
    }

    /** Mean cosine of the mean-pooled rows of two models' outputs. */
    private static double meanCosine(OnnxModel a, OnnxModel b) {
        Map<String, long[][]> inputs = inputs();
        float[][] x = Embeddings.meanPool(Runs.run(a, inputs).get("last_hidden_state"), inputs.get("attention_mask"));
        float[][] y = Embeddings.meanPool(Runs.run(b, inputs).get("last_hidden_state"), inputs.get("attention_mask"));
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += Embeddings.cosine(x[i], y[i]);
        }
        return sum / x.length;
    }

    private static Map<String, Long> ops(OnnxModel model) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            counts.merge(node.getOpType(), 1L, Long::sum);
        }
        return counts;
    }

    // --- INT8, dynamic ---

    @Test
    void quantize_int8MatchesFloatModelWithIntegerProducts() {
        OnnxModel model = model();

        OnnxModel int8 = Compressor.of(model).quantize(Precision.INT8).build();

        assertThat(meanCosine(int8, model)).isGreaterThanOrEqualTo(0.99);
        // Per layer: query, key and value share one quantized input; attention output, FFN up and down
        // quantize their own. The attention core (float) is one MultiHeadAttention, and both residual
        // Adds with their LayerNorms are SkipLayerNormalizations.
        assertThat(ops(int8)).containsEntry("DynamicQuantizeLinear", (long) LAYERS)
                .containsEntry("MatMulIntegerToFloat", 3L * LAYERS).containsEntry("DynamicQuantizeMatMul", 3L * LAYERS)
                .containsEntry("MultiHeadAttention", (long) LAYERS)
                .containsEntry("SkipLayerNormalization", 2L * LAYERS)
                .doesNotContainKeys("MatMul", "Gemm", "Softmax");
        assertThat(int8.proto().getGraph().getInitializerList())
                .filteredOn(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                .allSatisfy(t -> assertThat(t.getDimsCount()).isLessThanOrEqualTo(1));
        assertThat(int8.metadata()).containsEntry("greenai.plan", "quantize=INT8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pre", "fused"})
    void quantize_int8KeepsPreNormAndFusedLayerNormFixturesFaithful(String variant) {
        TinyTransformer fixture = variant.equals("pre") ? fixture().preNorm() : fixture().fusedLayerNorm();
        OnnxModel model = OnnxModel.of(fixture.build(), "tiny-" + variant);

        OnnxModel int8 = Compressor.of(model).quantize(Precision.INT8).build();

        assertThat(meanCosine(int8, model)).isGreaterThanOrEqualTo(0.99);
        // Pre-norm residual sums feed the next layer too, so only the last one, read by the final
        // LayerNorm alone, becomes a SkipLayerNormalization; fused LayerNorms are left as they are.
        // The attention cores fuse in both.
        assertThat(ops(int8)).containsEntry("MultiHeadAttention", (long) LAYERS);
        assertThat(ops(int8).getOrDefault("SkipLayerNormalization", 0L)).isEqualTo(variant.equals("pre") ? 1L : 0L);
    }

    @Test
    void quantize_keepsParameterCountAndShrinksSize() {
        OnnxModel model = model();

        for (Precision precision : List.of(Precision.INT8, Precision.INT4)) {
            OnnxModel quantized = Compressor.of(model).quantize(precision).build();

            // Every weight is still there, now in 8 or 4 bits; the scales add a few percent at most.
            assertThat(quantized.parameterCount()).as(precision.name())
                    .isBetween(model.parameterCount(), model.parameterCount() * 21 / 20);
            assertThat(quantized.sizeBytes()).as(precision.name()).isLessThan(model.sizeBytes() / 3);
        }
    }

    @Test
    void quantize_int8StoresEmbeddingTableInt8PerRow() {
        OnnxModel model = model();

        OnnxModel int8 = Compressor.of(model).quantize(Precision.INT8).build();

        TensorProto table = int8.proto().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().startsWith("embeddings.word")).filter(t -> t.getDimsCount() == 2
                        && t.getDims(1) == 64).findFirst().orElseThrow();
        assertThat(table.getDataType()).isEqualTo(TensorProto.DataType.INT8_VALUE);
        assertThat(table.getDimsList()).containsExactly((long) TinyTransformer.VOCAB, 64L);
        assertThat(int8.sizeBytes()).isLessThan(model.sizeBytes() / 3);
    }

    @Test
    void quantize_int8RunsLastAfterLayerRemoval() {
        OnnxModel model = OnnxModel.of(fixture().layers(0, 1, 2, 3).build(), "tiny");
        OnnxModel expected = OnnxModel.of(fixture().layers(0, 2, 3).build(), "tiny-expected");

        OnnxModel smaller = Compressor.of(model).quantize(Precision.INT8).removeLayersAt(1).build();

        assertThat(meanCosine(smaller, expected)).isGreaterThanOrEqualTo(0.99);
        assertThat(ops(smaller)).containsEntry("MatMulIntegerToFloat", 3L * 3).containsEntry("DynamicQuantizeMatMul", 3L * 3)
                .containsEntry("MultiHeadAttention", 3L);
        assertThat(smaller.metadata()).containsEntry("greenai.plan", "removeLayersAt=1,quantize=INT8")
                .containsEntry("greenai.removed_layers", "1");
    }

    @Test
    void quantize_savedModelLoadsAndRunsAgain() {
        OnnxModel int8 = Compressor.of(model()).quantize(Precision.INT8).build();

        Path saved = int8.save(temp.resolve("tiny-int8.onnx"));
        OnnxModel reloaded = OnnxModel.load(saved);

        FloatTensor before = Runs.run(int8, inputs()).get("last_hidden_state");
        FloatTensor after = Runs.run(reloaded, inputs()).get("last_hidden_state");
        assertThat(after.maxAbsDifference(before)).isZero();
        assertThat(reloaded.metadata()).containsEntry("greenai.plan", "quantize=INT8");
    }

    @Test
    void quantize_keepsInputOutputContractAndInputModel() {
        ModelProto proto = fixture().build();
        ModelProto copy = ModelProto.newBuilder(proto).build();
        OnnxModel model = OnnxModel.of(proto, "tiny");

        for (Precision precision : List.of(Precision.INT8, Precision.INT4, Precision.FP16)) {
            OnnxModel quantized = Compressor.of(model).quantize(precision, gpuUnlessInt8(precision)).build();

            assertThat(quantized.proto().getGraph().getInputList()).as("%s", precision)
                    .isEqualTo(proto.getGraph().getInputList());
            assertThat(quantized.proto().getGraph().getOutputList()).as("%s", precision)
                    .isEqualTo(proto.getGraph().getOutputList());
            assertThat(Runs.run(quantized, inputs()).get("last_hidden_state").shape()).containsExactly(8, 16, 64);
        }
        assertThat(model.proto()).isEqualTo(copy);
    }

    // --- INT8, static (QDQ) ---

    @Test
    void quantize_int8StaticWrapsEveryProductInQdqWithMeasuredRanges() {
        OnnxModel model = model();
        ModelProto proto = model.proto();
        GraphView view = new GraphView(proto.getGraph());
        List<String> tensors = Quantizer.calibrationTensors(view);
        // Oracle for the ranges: the float model itself, with those tensors exposed, on the inputs.
        Map<String, FloatTensor> probe = Runs.run(model.exposeTensors(tensors), inputs());
        Map<String, ActivationRange> ranges = new HashMap<>();
        for (String tensor : tensors) {
            float min = 0;
            float max = 0;
            for (float v : probe.get(tensor).data()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            ranges.put(tensor, new ActivationRange(min, max));
        }
        GraphEditor editor = new GraphEditor(proto);

        Quantizer.quantize(editor, view, "tiny", new io.greenai.core.CompressionStep.Quantize(Precision.INT8,
                QuantizationOptions.builder().activations(QuantizationOptions.Activations.STATIC).build()), ranges);
        OnnxModel qdq = OnnxModel.of(editor.build(), "tiny-qdq");

        assertThat(meanCosine(qdq, model)).isGreaterThanOrEqualTo(0.99);
        // Per layer, 4 activations (shared by q/k/v, attention context, FFN input, GELU output) and
        // 6 weights; the fixture's opset 17 dequantizes weights per column along axis 1.
        assertThat(tensors).hasSize(4 * LAYERS);
        assertThat(ops(qdq)).containsEntry("QuantizeLinear", 4L * LAYERS)
                .containsEntry("DequantizeLinear", 10L * LAYERS).containsEntry("MatMul", 8L * LAYERS);
    }

    @Test
    void quantize_int8StaticWithoutTokenizerNamesTheProblem() {
        OnnxModel model = model();
        QuantizationOptions options = QuantizationOptions.builder()
                .activations(QuantizationOptions.Activations.STATIC).build();
        Compressor<OnnxModel> compressor = Compressor.of(model).calibrateWith(List.of("a sentence"))
                .quantize(Precision.INT8, options);

        assertThatThrownBy(compressor::build)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tokenizer");
    }

    // --- INT4 ---

    @Test
    void quantize_int4MatchesFloatModelWithBlockWiseWeights() {
        OnnxModel model = model();

        OnnxModel int4 = Compressor.of(model).quantize(Precision.INT4).build();

        assertThat(meanCosine(int4, model)).isGreaterThanOrEqualTo(0.97);
        assertThat(ops(int4)).containsEntry("MatMulNBits", 6L * LAYERS).containsEntry("MultiHeadAttention", (long) LAYERS)
                .doesNotContainKey("MatMul");
        assertThat(int4.sizeBytes()).isLessThan(model.sizeBytes() / 4);
    }

    @Test
    void quantize_int4HonoursBlockSize() {
        OnnxModel int4 = Compressor.of(model()).withPlan("quantize=INT4-b16").build();

        NodeProto first = int4.proto().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("MatMulNBits")).findFirst().orElseThrow();
        assertThat(first.getAttributeList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("block_size");
            assertThat(a.getI()).isEqualTo(16);
        });
        assertThat(int4.metadata()).containsEntry("greenai.plan", "quantize=INT4-b16");
    }

    // --- FP16 ---

    @Test
    void quantize_fp16StaysWithinOneHundredthOfFloat() {
        OnnxModel model = model();

        OnnxModel half = Compressor.of(model).quantize(Precision.FP16, gpu()).build();

        FloatTensor expected = Runs.run(model, inputs()).get("last_hidden_state");
        FloatTensor actual = Runs.run(half, inputs()).get("last_hidden_state");
        assertThat(actual.maxAbsDifference(expected)).isLessThanOrEqualTo(1e-2);
        assertThat(actual.maxAbsDifference(expected)).isGreaterThan(0); // it did compute in float16
        // Every float weight is float16; the fixture's opset 17 turns each decomposed LayerNorm (embedding
        // + 2 per layer) into one LayerNormalization whose stash_type 1 keeps its statistics in float32.
        assertThat(half.proto().getGraph().getInitializerList())
                .filteredOn(t -> t.getDataType() != TensorProto.DataType.INT64_VALUE)
                .allSatisfy(t -> assertThat(t.getDataType()).isEqualTo(TensorProto.DataType.FLOAT16_VALUE));
        assertThat(half.proto().getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("LayerNormalization"))
                .hasSize(2 * LAYERS + 1)
                .allSatisfy(n -> assertThat(n.getAttributeList()).anySatisfy(a -> {
                    assertThat(a.getName()).isEqualTo("stash_type");
                    assertThat(a.getI()).isEqualTo(1);
                }));
        // The mask Cast now gives float16, and one Cast turns the output back to float32.
        assertThat(ops(half)).containsEntry("Cast", 2L).doesNotContainKeys("Pow", "Sqrt");
        assertThat(half.sizeBytes()).isLessThan(model.sizeBytes() * 6 / 10);
    }

    @Test
    void quantize_fp16ForCpuLogsWarningAndForGpuDoesNot() {
        OnnxModel model = model();

        String cpu = stderrOf(() -> Compressor.of(model).quantize(Precision.FP16).build());
        String gpu = stderrOf(() -> Compressor.of(model).quantize(Precision.FP16, gpu()).build());

        assertThat(cpu).contains("WARN").contains("FP16 is meant for GPUs").contains("no float16 MatMul");
        assertThat(gpu).doesNotContain("WARN");
    }

    // --- bad input ---

    @Test
    void quantize_rejectsAlreadyQuantizedModelNamingTheNode() {
        OnnxModel int8 = Compressor.of(model()).quantize(Precision.INT8).build();

        assertThatThrownBy(() -> Compressor.of(int8).quantize(Precision.INT4).build())
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("already quantized").hasMessageContaining("node 'greenai/int8/");
    }

    @Test
    void quantize_rejectsFp16OfFp16ModelNamingTheNode() {
        OnnxModel half = Compressor.of(model()).quantize(Precision.FP16, gpu()).build();

        assertThatThrownBy(() -> Compressor.of(half).quantize(Precision.FP16, gpu()).build())
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("already in FP16").hasMessageContaining("MatMul");
    }

    @Test
    void quantize_int8AndInt4OfFp16ModelStayCloseToFloatModel() {
        OnnxModel model = model();
        OnnxModel half = Compressor.of(model).quantize(Precision.FP16, gpu()).build();

        OnnxModel int8 = Compressor.of(half).quantize(Precision.INT8).build();
        OnnxModel int4 = Compressor.of(half).quantize(Precision.INT4).build();

        // The same bounds as INT8 and INT4 of the float32 model (fp16 rounding is 2^-11, far below).
        assertThat(meanCosine(int8, model)).isGreaterThanOrEqualTo(0.99);
        assertThat(meanCosine(int4, model)).isGreaterThanOrEqualTo(0.97);
        assertThat(ops(int8)).containsKey("Cast").doesNotContainKey("MatMulNBits");
        assertThat(ops(int4)).containsKey("MatMulNBits");
    }

    @Test
    void quantize_rejectsPrecisionTheTargetCannotRun() {
        OnnxModel model = model();

        assertThatThrownBy(() -> Compressor.of(model).withPlan("quantize=INT8-gpu"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CPU only");
    }

    private static QuantizationOptions gpu() {
        return QuantizationOptions.builder().target(QuantizationOptions.Target.GPU).build();
    }

    private static QuantizationOptions gpuUnlessInt8(Precision precision) {
        return precision == Precision.INT8 ? QuantizationOptions.defaults() : gpu();
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
