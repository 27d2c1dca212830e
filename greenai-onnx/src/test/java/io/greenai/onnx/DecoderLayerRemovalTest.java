package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.Compressor;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.runtime.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layer removal on the shared decoder graphs from real exporters. Each oracle is the original graph
 * with a hand edit that makes the next kept part read the last kept residual tensor (and, for fused
 * norms, adds zeros instead of the removed block), run in ONNX Runtime.
 */
class DecoderLayerRemovalTest {

    private static final double TOLERANCE = 1e-4;
    private static final double FP16_TOLERANCE = 1e-2;

    @TempDir
    java.nio.file.Path temp;

    // --- GPT-2 exported by PyTorch with past key/values (plain operators, packed QKV Gemm + Split) ---

    private static final DecoderFeeds GPT2_PAST_FEEDS = new DecoderFeeds(2, 1, 3, 20);

    private static OnnxModel gpt2Past() {
        return OnnxModel.load(Runs.shared("models/tiny-gpt2-past.onnx"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void removeLayersAt_lastKOfGpt2PastGiveOriginalIntermediateTensor(int k) {
        OnnxModel model = gpt2Past();
        List<LayerBlock> layers = model.transformerStack().layers();
        int kept = layers.size() - k;
        String residual = layers.get(kept - 1).output();
        String finalResidual = layers.get(layers.size() - 1).output();
        // Oracle: the final LayerNorm of the original reads layer kept-1's residual output.
        OnnxModel reference = OnnxModel.of(HandEdits.readInstead(model.proto(), finalResidual, residual), "reference");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(IntStream.range(kept, layers.size()).toArray()).build();

        Map<String, FloatTensor> expected = GPT2_PAST_FEEDS.run(reference.exposeTensors(List.of(residual)));
        Map<String, FloatTensor> actual = GPT2_PAST_FEEDS.run(smaller.exposeTensors(List.of(residual)));
        assertThat(actual.get(residual).maxAbsDifference(expected.get(residual))).isLessThan(TOLERANCE);
        assertThat(actual.get("last_state").maxAbsDifference(expected.get("last_state"))).isLessThan(TOLERANCE);
        for (int i = 0; i < kept; i++) {
            assertThat(actual.get("present_" + i).maxAbsDifference(expected.get("present_" + i))).isLessThan(TOLERANCE);
        }
        assertThat(smaller.inputNames()).containsExactlyElementsOf(without(model.inputNames(), cacheNames("past_", kept, 12)));
        assertThat(smaller.outputNames())
                .containsExactlyElementsOf(without(model.outputNames(), cacheNames("present_", kept, 12)));
        assertThat(smaller.structure().layerCount()).isEqualTo(kept);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void removeLayersAt_oneLayerOfGpt2PastMatchesRewiredOriginal(int removed) {
        OnnxModel model = gpt2Past();
        LayerBlock layer = model.transformerStack().layers().get(removed);
        OnnxModel reference = OnnxModel.of(HandEdits.readInstead(model.proto(), layer.output(), layer.input()),
                "reference");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(removed).build();

        Map<String, FloatTensor> expected = GPT2_PAST_FEEDS.run(reference);
        Map<String, FloatTensor> actual = GPT2_PAST_FEEDS.run(smaller);
        assertThat(actual.get("last_state").maxAbsDifference(expected.get("last_state"))).isLessThan(TOLERANCE);
        assertChanged(actual.get("last_state"), GPT2_PAST_FEEDS.run(model).get("last_state"));
        for (int i = 0; i < 12; i++) {
            if (i != removed) {
                assertThat(actual.get("present_" + i).maxAbsDifference(expected.get("present_" + i)))
                        .isLessThan(TOLERANCE);
            }
        }
        // The remaining caches keep their names; the removed layer's pair is gone.
        assertThat(smaller.inputNames()).doesNotContain("past_" + removed).contains("past_" + (removed + 1));
        assertThat(smaller.outputNames()).doesNotContain("present_" + removed).contains("present_" + (removed + 1));
        assertThat(smaller.metadata()).containsEntry("greenai.removed_caches", "past_" + removed + ",present_"
                + removed);
    }

    // --- GPT-2 fused by ONNX Runtime's transformer optimizer (Attention, SkipLayerNormalization) ---

    private static final DecoderFeeds GPT2_FUSED_FEEDS = new DecoderFeeds(2, 3, 2, 1000);

    private static OnnxModel gpt2Fused() {
        return OnnxModel.load(Runs.shared("models/tiny-gpt2-fused.onnx"));
    }

    /**
     * The original with the fused norm at the end of layer {@code last} reading the residual tensor
     * {@code residual} plus zeros: it then normalises that tensor with its own weights, as if the
     * layers in between were gone.
     */
    private static ModelProto skipFusedNorm(ModelProto proto, String normNode, String residual, int dataType,
            long... dims) {
        ModelProto withZeros = HandEdits.addZeros(proto, "hand/zeros", dataType, dims);
        boolean biasSlot = proto.getGraph().getNodeList().stream().anyMatch(n -> n.getName().equals(normNode)
                && n.getOpType().equals("SkipLayerNormalization"));
        return biasSlot
                ? HandEdits.setInputs(withZeros, normNode, residual, "hand/zeros", null, null, "")
                : HandEdits.setInputs(withZeros, normNode, residual, "hand/zeros");
    }

    @Test
    void removeLayersAt_lastTwoOfFusedGpt2MatchFinalNormOnLayer2Output() {
        OnnxModel model = gpt2Fused();
        String residual = model.transformerStack().layers().get(2).output();
        OnnxModel reference = OnnxModel.of(skipFusedNorm(model.proto(), "SkipLayerNorm_AddBias_9", residual,
                TensorProto.DataType.FLOAT_VALUE, 2, 3, 32), "reference");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(3, 4).build();

        Map<String, FloatTensor> expected = GPT2_FUSED_FEEDS.run(reference.exposeTensors(List.of(residual)));
        Map<String, FloatTensor> actual = GPT2_FUSED_FEEDS.run(smaller.exposeTensors(List.of(residual)));
        assertThat(actual.get(residual).maxAbsDifference(expected.get(residual))).isLessThan(TOLERANCE);
        assertThat(actual.get("logits").maxAbsDifference(expected.get("logits"))).isLessThan(TOLERANCE);
        for (int i = 0; i < 3; i++) {
            assertThat(actual.get("present_" + i).maxAbsDifference(expected.get("present_" + i))).isLessThan(TOLERANCE);
        }
        assertThat(smaller.inputNames()).containsExactly("input_ids", "position_ids", "attention_mask", "past_0",
                "past_1", "past_2");
        assertThat(smaller.outputNames()).containsExactly("logits", "present_0", "present_1", "present_2");
        assertThat(smaller.proto().getGraph().getNodeList()).noneMatch(n -> n.getName().equals("GptAttention_3"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void removeLayersAt_oneLayerOfFusedGpt2MatchesRewiredOriginal(int removed) {
        OnnxModel model = gpt2Fused();
        LayerBlock layer = model.transformerStack().layers().get(removed);
        String endNorm = "SkipLayerNorm_AddBias_" + (2 * removed + 1);
        OnnxModel reference = OnnxModel.of(skipFusedNorm(model.proto(), endNorm, layer.input(),
                TensorProto.DataType.FLOAT_VALUE, 2, 3, 32), "reference");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(removed).build();

        Map<String, FloatTensor> expected = GPT2_FUSED_FEEDS.run(reference);
        Map<String, FloatTensor> actual = GPT2_FUSED_FEEDS.run(smaller);
        assertThat(actual.get("logits").maxAbsDifference(expected.get("logits"))).isLessThan(TOLERANCE);
        assertChanged(actual.get("logits"), GPT2_FUSED_FEEDS.run(model).get("logits"));
        for (int i = 0; i < 5; i++) {
            if (i != removed) {
                assertThat(actual.get("present_" + i).maxAbsDifference(expected.get("present_" + i)))
                        .isLessThan(TOLERANCE);
            }
        }
        assertThat(smaller.structure().layerCount()).isEqualTo(4);
        assertThat(smaller.inputNames()).doesNotContain("past_" + removed);
    }

    // --- LLaMA from the onnxruntime-genai model builder (fp16, MultiHeadAttention, RMSNorm, SwiGLU) ---

    private static final DecoderFeeds LLAMA_FEEDS = new DecoderFeeds(1, 1, 3, 32000);

    private static OnnxModel llama() {
        return OnnxModel.load(Runs.shared("models/tiny-llama-fp16/model.onnx"));
    }

    @Test
    void removeLayersAt_lastOfLlamaMatchesFinalNormOnLayer0Output() {
        OnnxModel model = llama();
        String residual = model.transformerStack().layers().get(0).output();
        OnnxModel reference = OnnxModel.of(skipFusedNorm(model.proto(), "/model/layers.2/final_norm_layernorm/SkipLayerNorm",
                residual, TensorProto.DataType.FLOAT16_VALUE, 1, 1, 16), "reference");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(1).build();

        Map<String, FloatTensor> expected = LLAMA_FEEDS.run(reference.exposeTensors(List.of(residual)));
        Map<String, FloatTensor> actual = LLAMA_FEEDS.run(smaller.exposeTensors(List.of(residual)));
        assertThat(actual.get(residual).maxAbsDifference(expected.get(residual))).isLessThan(FP16_TOLERANCE);
        assertThat(actual.get("logits").maxAbsDifference(expected.get("logits"))).isLessThan(FP16_TOLERANCE);
        assertThat(actual.get("present.0.key").maxAbsDifference(expected.get("present.0.key")))
                .isLessThan(FP16_TOLERANCE);
        assertThat(smaller.inputNames()).containsExactly("input_ids", "attention_mask", "position_ids",
                "past_key_values.0.key", "past_key_values.0.value");
        assertThat(smaller.outputNames()).containsExactly("logits", "present.0.key", "present.0.value");
    }

    @Test
    void removeLayersAt_firstOfLlamaMatchesRewiredOriginalAndKeepsCacheNames() {
        OnnxModel model = llama();
        OnnxModel reference = OnnxModel.of(skipFusedNorm(model.proto(), "/model/layers.1/input_layernorm/SkipLayerNorm",
                "/model/embed_tokens/Gather/output_0", TensorProto.DataType.FLOAT16_VALUE, 1, 1, 16), "reference");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(0).build();

        Map<String, FloatTensor> expected = LLAMA_FEEDS.run(reference);
        Map<String, FloatTensor> actual = LLAMA_FEEDS.run(smaller);
        assertThat(actual.get("logits").maxAbsDifference(expected.get("logits"))).isLessThan(FP16_TOLERANCE);
        assertChanged(actual.get("logits"), LLAMA_FEEDS.run(model).get("logits"));
        assertThat(actual.get("present.1.value").maxAbsDifference(expected.get("present.1.value")))
                .isLessThan(FP16_TOLERANCE);
        // The attention-mask builder read past_key_values.0.key's shape; it now reads layer 1's cache.
        assertThat(smaller.inputNames()).containsExactly("input_ids", "attention_mask", "position_ids",
                "past_key_values.1.key", "past_key_values.1.value");
        assertThat(smaller.outputNames()).containsExactly("logits", "present.1.key", "present.1.value");
        assertThat(smaller.structure().layers()).singleElement()
                .satisfies(l -> assertThat(l.activation()).isEqualTo("swiglu"));
    }

    @Test
    void removeLayersAt_llamaPrefillWithEmptyCacheRuns() {
        OnnxModel smaller = Compressor.of(llama()).removeLayersAt(0).build();

        Map<String, FloatTensor> outputs = new DecoderFeeds(1, 4, 0, 32000).run(smaller);

        assertThat(outputs.get("logits").shape()).containsExactly(1, 4, 32000);
        assertThat(outputs.get("present.1.key").shape()).containsExactly(1, 1, 4, 16);
    }

    /** The removal must have changed the output, or the oracle comparison proves nothing. */
    static void assertChanged(FloatTensor compressed, FloatTensor original) {
        assertThat(compressed.maxAbsDifference(original)).as("difference to the uncompressed model").isGreaterThan(0.02);
    }

    @Test
    void save_compressedDecodersReloadWithTheSameContractLessRemovedCaches() {
        for (String file : List.of("models/tiny-gpt2-fused.onnx", "models/tiny-llama-fp16/model.onnx",
                "models/tiny-gpt2-past.onnx")) {
            OnnxModel model = OnnxModel.load(Runs.shared(file));
            LayerBlock removed = model.transformerStack().layers().get(1);

            OnnxModel smaller = Compressor.of(model).removeLayersAt(1).pruneMatrices(0.25).build();
            OnnxModel reloaded = OnnxModel.load(smaller.save(temp.resolve(model.name() + "-small.onnx")));

            // Inputs and outputs keep their declared names, types and order, less the removed layer's
            // caches; pruning changed only the head axis of the cache shapes.
            var inputs = model.proto().getGraph().getInputList().stream()
                    .filter(i -> !removed.cache().pastInputs().contains(i.getName())).map(i -> i.getName()).toList();
            var outputs = model.proto().getGraph().getOutputList().stream()
                    .filter(o -> !removed.cache().presentOutputs().contains(o.getName())).map(o -> o.getName()).toList();
            assertThat(reloaded.inputNames()).containsExactlyElementsOf(inputs);
            assertThat(reloaded.outputNames()).containsExactlyElementsOf(outputs);
            assertThat(reloaded.proto().getGraph().getInput(0)).isEqualTo(model.proto().getGraph().getInput(0));
            DecoderFeeds feeds = file.contains("llama") ? LLAMA_FEEDS : file.contains("past") ? GPT2_PAST_FEEDS
                    : GPT2_FUSED_FEEDS;
            Map<String, FloatTensor> before = feeds.run(smaller);
            Map<String, FloatTensor> after = feeds.run(reloaded);
            before.forEach((name, tensor) -> assertThat(after.get(name)).as(name).isEqualTo(tensor));
        }
    }

    private static List<String> cacheNames(String prefix, int from, int to) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < to; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    private static List<String> without(List<String> names, List<String> removed) {
        return names.stream().filter(n -> !removed.contains(n)).toList();
    }
}
