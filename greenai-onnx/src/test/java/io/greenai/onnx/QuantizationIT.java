package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.Compressor;
import io.greenai.core.Precision;
import io.greenai.core.QuantizationOptions;
import io.greenai.core.UnsupportedModelException;
import io.greenai.onnx.runtime.Embeddings;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quantization of the real pretrained models from Maven Central, checked against the float32 models
 * run in ONNX Runtime on SST-2 sentences, and against ONNX Runtime's own quantization of
 * all-MiniLM-L6-v2 (the {@code -q} artifact).
 */
class QuantizationIT {

    private static final Path MODELS = Path.of("target", "greenai-models");
    private static final int SENTENCES = 96;

    private static OnnxModel miniLm;
    private static List<String> dev;

    @BeforeAll
    static void load() throws IOException {
        miniLm = MavenModel.ALL_MINILM_L6_V2.load(MODELS);
        dev = sst2("dev.tsv", SENTENCES);
    }

    @Test
    void quantize_int8MiniLmIsFaithfulAndNoLargerThanOnnxRuntimesOwn() {
        OnnxModel reference = MavenModel.ALL_MINILM_L6_V2_Q.load(MODELS);

        OnnxModel int8 = Compressor.of(miniLm).quantize(Precision.INT8).build();

        List<float[]> original = embed(miniLm, dev);
        double ours = meanCosine(embed(int8, dev), original);
        double theirs = meanCosine(embed(reference, dev), original);
        assertThat(ours).isGreaterThanOrEqualTo(0.99).isGreaterThanOrEqualTo(theirs);
        assertThat(int8.sizeBytes()).isLessThanOrEqualTo(reference.sizeBytes());
        // 6 layers x (query, key, value sharing one quantized input; attention output, FFN up, FFN down),
        // one MultiHeadAttention and two SkipLayerNormalizations.
        assertThat(ops(int8)).containsEntry("DynamicQuantizeLinear", 6L).containsEntry("MatMulIntegerToFloat", 18L)
                .containsEntry("DynamicQuantizeMatMul", 18L).containsEntry("MultiHeadAttention", 6L)
                .containsEntry("SkipLayerNormalization", 12L).doesNotContainKeys("MatMul", "Softmax");
        // Only the 2 x 384 token-type table stays float32: too small to be worth quantizing.
        assertThat(int8.proto().getGraph().getInitializerList())
                .filteredOn(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE && t.getDimsCount() > 1)
                .extracting(TensorProto::getName).containsExactly("embeddings.token_type_embeddings.weight");
    }

    @Test
    void quantize_int8StaticMiniLmEmitsQdqAndStaysFaithful() throws IOException {
        List<String> calibration = sst2("train.tsv", 64);
        QuantizationOptions options = QuantizationOptions.builder()
                .activations(QuantizationOptions.Activations.STATIC).build();

        OnnxModel qdq = Compressor.of(miniLm).calibrateWith(calibration).quantize(Precision.INT8, options).build();

        assertThat(meanCosine(embed(qdq, dev), embed(miniLm, dev))).isGreaterThanOrEqualTo(0.99);
        // 6 layers x 4 activations (shared by q/k/v, context, FFN input, GELU output); 36 weights.
        assertThat(ops(qdq)).containsEntry("QuantizeLinear", 24L).containsEntry("DequantizeLinear", 24L + 36L)
                .containsEntry("MatMul", 36L + 12L);
        assertThat(qdq.metadata()).containsEntry("greenai.plan", "quantize=INT8-static,calibration=64");
    }

    @Test
    void quantize_int4BgeIsQuarterSizeAndFaithful() {
        OnnxModel bge = MavenModel.BGE_SMALL_EN_V15.load(MODELS);

        OnnxModel int4 = Compressor.of(bge).quantize(Precision.INT4).build();

        assertThat(meanCosine(embed(int4, dev), embed(bge, dev))).isGreaterThanOrEqualTo(0.97);
        assertThat(int4.sizeBytes()).isLessThanOrEqualTo(bge.sizeBytes() / 4);
        assertThat(ops(int4)).containsEntry("MatMulNBits", 72L).containsEntry("MultiHeadAttention", 12L);
    }

    @Test
    void quantize_fp16MiniLmStaysWithinOneHundredth() {
        QuantizationOptions gpu = QuantizationOptions.builder().target(QuantizationOptions.Target.GPU).build();

        OnnxModel half = Compressor.of(miniLm).quantize(Precision.FP16, gpu).build();

        // Opset 11: the decomposed LayerNorms stay float32 between Casts, with their scales and shifts.
        assertThat(half.proto().getGraph().getInitializerList())
                .filteredOn(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                .allSatisfy(t -> assertThat(t.getName()).contains("LayerNorm"));
        assertThat(ops(half)).containsEntry("Pow", 13L).doesNotContainKey("LayerNormalization");
        double worst = 0;
        try (TextEncoder encoder = miniLm.newTextEncoder(128)) {
            for (int from = 0; from < dev.size(); from += 16) {
                Map<String, long[][]> inputs = encoder.encode(dev.subList(from, from + 16),
                        new java.util.LinkedHashSet<>(miniLm.inputNames()));
                FloatTensor expected = Runs.run(miniLm, inputs).get("last_hidden_state");
                FloatTensor actual = Runs.run(half, inputs).get("last_hidden_state");
                worst = Math.max(worst, maxDifferenceOverTokens(actual, expected, inputs.get("attention_mask")));
            }
        }
        assertThat(worst).isLessThanOrEqualTo(1e-2).isGreaterThan(0);
    }

    @Test
    void quantize_int8ComposesWithLayerRemovalOnBge() {
        OnnxModel bge = MavenModel.BGE_SMALL_EN_V15.load(MODELS);
        OnnxModel smaller = Compressor.of(bge).removeLayers(6).build();

        OnnxModel both = Compressor.of(bge).removeLayers(6).quantize(Precision.INT8).build();

        assertThat(meanCosine(embed(both, dev), embed(smaller, dev))).isGreaterThanOrEqualTo(0.99);
        assertThat(ops(both)).containsEntry("MatMulIntegerToFloat", 18L).containsEntry("DynamicQuantizeMatMul", 18L);
        assertThat(both.metadata()).containsEntry("greenai.plan", "removeLayers=6,quantize=INT8")
                .containsEntry("greenai.removed_layers", "1,3,5,6,8,10");
    }

    @Test
    void quantize_rejectsOnnxRuntimesQuantizedMiniLmNamingTheNode() {
        OnnxModel reference = MavenModel.ALL_MINILM_L6_V2_Q.load(MODELS);

        assertThatThrownBy(() -> Compressor.of(reference).quantize(Precision.INT8).build())
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("already quantized")
                .hasMessageMatching("(?s).*node '[^']+' \\((DequantizeLinear|DynamicQuantizeLinear|MatMulInteger)\\).*");
    }

    private static List<float[]> embed(OnnxModel model, List<String> texts) {
        List<float[]> embeddings = new ArrayList<>();
        try (InferenceSession session = model.newSession(OrtOptions.defaults());
                TextEncoder encoder = model.newTextEncoder(128)) {
            for (int from = 0; from < texts.size(); from += 16) {
                Map<String, long[][]> inputs = encoder.encode(texts.subList(from, Math.min(texts.size(), from + 16)),
                        session.inputNames());
                FloatTensor hidden = session.run(inputs).get("last_hidden_state");
                embeddings.addAll(List.of(Embeddings.meanPool(hidden, inputs.get("attention_mask"))));
            }
        }
        return embeddings;
    }

    private static double meanCosine(List<float[]> a, List<float[]> b) {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            sum += Embeddings.cosine(a.get(i), b.get(i));
        }
        return sum / a.size();
    }

    private static double maxDifferenceOverTokens(FloatTensor a, FloatTensor b, long[][] mask) {
        int sequence = (int) a.shape()[1];
        int width = (int) a.shape()[2];
        double max = 0;
        for (int row = 0; row < mask.length; row++) {
            for (int token = 0; token < sequence; token++) {
                if (mask[row][token] == 0) {
                    continue;
                }
                for (int i = 0; i < width; i++) {
                    int index = (row * sequence + token) * width + i;
                    max = Math.max(max, Math.abs(a.data()[index] - b.data()[index]));
                }
            }
        }
        return max;
    }

    private static Map<String, Long> ops(OnnxModel model) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (NodeProto node : model.proto().getGraph().getNodeList()) {
            counts.merge(node.getOpType(), 1L, Long::sum);
        }
        return counts;
    }

    private static List<String> sst2(String file, int count) throws IOException {
        try (var lines = Files.lines(Runs.shared("data/sst2/" + file))) {
            return lines.skip(1).map(l -> l.substring(0, l.lastIndexOf('\t')).trim()).limit(count).toList();
        }
    }
}
