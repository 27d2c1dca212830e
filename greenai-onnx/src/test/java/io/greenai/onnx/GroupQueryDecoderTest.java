package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.greenai.core.Compressor;
import io.greenai.core.LayerInfo;
import io.greenai.core.NormPlacement;
import io.greenai.onnx.graph.AttentionKind;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.MatrixPruning;
import io.greenai.onnx.graph.TransformerStack;
import io.greenai.onnx.runtime.FloatTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A LLaMA-layout decoder with ONNX Runtime's GroupQueryAttention (4 query heads sharing 2 key/value
 * heads), fused RMSNorm borders, SwiGLU and caches, built in code ({@link TinyGqaDecoder}).
 */
class GroupQueryDecoderTest {

    private static final double TOLERANCE = 1e-4;
    private static final DecoderFeeds PREFILL = new DecoderFeeds(2, 3, 0, TinyGqaDecoder.VOCAB);
    private static final DecoderFeeds DECODE = new DecoderFeeds(2, 1, 3, TinyGqaDecoder.VOCAB);

    private static OnnxModel model(boolean packed, int... layers) {
        TinyGqaDecoder fixture = new TinyGqaDecoder().layers(layers);
        return OnnxModel.of((packed ? fixture.packedQkv() : fixture).build(), "gqa");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void structure_findsGroupedQueryLayout(boolean packed) {
        OnnxModel model = model(packed, 0, 1, 2);

        TransformerStack stack = model.transformerStack();

        assertThat(stack.name()).isEqualTo("decoder");
        assertThat(model.structure().layers()).containsExactly(
                new LayerInfo(0, 4, 16, 24, "swiglu", NormPlacement.PRE, 2, false),
                new LayerInfo(1, 4, 16, 24, "swiglu", NormPlacement.PRE, 2, false),
                new LayerInfo(2, 4, 16, 24, "swiglu", NormPlacement.PRE, 2, false));
        assertThat(stack.layers().get(1).attention().kind()).isEqualTo(AttentionKind.ORT_GROUP_QUERY);
        assertThat(stack.layers().get(1).cache().pastInputs())
                .containsExactly("past_key_values.1.key", "past_key_values.1.value");
        assertThat(stack.layers().get(1).ffnGate().weight()).isEqualTo("layer1/mlp/gate_proj.weight");
        // One entry per weight: a packed query/key/value weight is listed once.
        assertThat(stack.layers().get(1).projections()).hasSize(packed ? 5 : 7);
    }

    @Test
    void removeLayersAt_middleMatchesModelBuiltWithoutIt() {
        OnnxModel model = model(false, 0, 1, 2);
        // The model built without layer 1 names its second cache .1; the compressed model keeps .2.
        ModelProto expected = model(false, 0, 2).proto();
        for (String suffix : List.of(".key", ".value")) {
            expected = HandEdits.rename(expected, "past_key_values.1" + suffix, "past_key_values.2" + suffix);
            expected = HandEdits.rename(expected, "present.1" + suffix, "present.2" + suffix);
        }
        OnnxModel reference = OnnxModel.of(expected, "expected");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(1).build();

        for (DecoderFeeds feeds : List.of(PREFILL, DECODE)) {
            Map<String, FloatTensor> actual = feeds.run(smaller);
            Map<String, FloatTensor> wanted = feeds.run(reference);
            assertThat(actual.keySet()).containsExactly("logits", "present.0.key", "present.0.value", "present.2.key",
                    "present.2.value");
            actual.forEach((name, tensor) -> assertThat(tensor.maxAbsDifference(wanted.get(name))).as(name)
                    .isLessThan(TOLERANCE));
        }
        assertThat(smaller.inputNames()).containsExactly("input_ids", "attention_mask", "past_key_values.0.key",
                "past_key_values.0.value", "past_key_values.2.key", "past_key_values.2.value");
    }

    @Test
    void removeLayersAt_lastMatchesModelBuiltWithoutIt() {
        OnnxModel model = model(true, 0, 1, 2);
        OnnxModel expected = model(true, 0, 1);

        OnnxModel smaller = Compressor.of(model).removeLayersAt(2).build();

        Map<String, FloatTensor> actual = DECODE.run(smaller);
        Map<String, FloatTensor> wanted = DECODE.run(expected);
        assertThat(actual.keySet()).isEqualTo(wanted.keySet());
        actual.forEach((name, tensor) -> assertThat(tensor.maxAbsDifference(wanted.get(name))).as(name)
                .isLessThan(TOLERANCE));
        DecoderLayerRemovalTest.assertChanged(actual.get("logits"), DECODE.run(model).get("logits"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void pruneMatrices_removesWholeKeyValueGroupsAndMatchesZeroedRows(boolean packed) {
        OnnxModel model = model(packed, 0, 1, 2);

        OnnxModel pruned = Compressor.of(model).pruneMatrices(0.5).build();

        for (int i = 0; i < 3; i++) {
            int[] kept = PruningOracle.keptHeads(model, pruned, model.transformerStack().layers().get(i));
            assertThat(kept).hasSize(2);
            assertThat(kept[0] / 2).as("both kept heads share one key/value head").isEqualTo(kept[1] / 2);
        }
        assertThat(pruned.structure().layers()).allMatch(l -> l.headCount() == 2 && l.kvHeadCount() == 1
                && l.ffnSize() == 12);
        List<NodeProto> attention = pruned.proto().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("GroupQueryAttention")).toList();
        assertThat(attention).allMatch(n -> GraphView.intAttribute(n, "num_heads", 0) == 2
                && GraphView.intAttribute(n, "kv_num_heads", 0) == 1);
        for (DecoderFeeds feeds : List.of(PREFILL, DECODE)) {
            assertMatchesZeroedRows(model, pruned, feeds);
        }
    }

    @Test
    void prune_rejectsChoiceThatSplitsAKeyValueGroup() {
        ModelProto proto = model(false, 0, 1, 2).proto();
        OnnxModel model = OnnxModel.of(proto, "gqa");
        GraphEditor editor = new GraphEditor(proto);

        assertThatThrownBy(() -> MatrixPruning.prune(editor, new GraphView(proto.getGraph()), model.transformerStack(),
                List.of(new MatrixPruning.LayerChoice(1, new int[] {0, 2, 3}, range(24)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 1")
                .hasMessageContaining("whole groups").hasMessageContaining("head 0");
    }

    private static void assertMatchesZeroedRows(OnnxModel model, OnnxModel pruned, DecoderFeeds feeds) {
        OnnxModel reference = PruningOracle.reference(model, pruned);
        Map<String, int[]> cacheHeads = new java.util.HashMap<>();
        for (var layer : model.transformerStack().layers()) {
            int[] kv = PruningOracle.keptKvHeads(PruningOracle.keptHeads(model, pruned, layer), 2);
            layer.cache().pastInputs().forEach(n -> cacheHeads.put(n, kv));
            layer.cache().presentOutputs().forEach(n -> cacheHeads.put(n, kv));
        }
        Map<String, FloatTensor> actual = feeds.run(pruned, cacheHeads);
        Map<String, FloatTensor> expected = feeds.run(reference);
        actual.forEach((name, tensor) -> {
            FloatTensor want = cacheHeads.containsKey(name)
                    ? PruningOracle.slice(expected.get(name), 1, cacheHeads.get(name)) : expected.get(name);
            assertThat(tensor.maxAbsDifference(want)).as(name).isLessThan(TOLERANCE);
        });
    }

    private static int[] range(int to) {
        return java.util.stream.IntStream.range(0, to).toArray();
    }
}
