package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.greenai.core.Compressor;
import io.greenai.core.PruneOptions;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.runtime.FloatTensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Structured pruning on the shared decoder graphs, against the zeroed-rows oracle: the original with
 * the output-projection rows of removed heads and the down-projection rows of removed neurons set to
 * zero. Caches of a pruned layer hold only the kept heads; the oracle is fed the full caches and its
 * present outputs are compared on the kept heads.
 */
class DecoderPruningTest {

    private static final double TOLERANCE = 1e-4;

    /** Runs pruned and reference models on the same values and compares every output. */
    private static void assertMatchesZeroedRows(OnnxModel original, OnnxModel pruned, DecoderFeeds feeds,
            double tolerance) {
        OnnxModel reference = PruningOracle.reference(original, pruned);
        Map<String, int[]> cacheHeads = new HashMap<>();
        for (LayerBlock layer : original.transformerStack().layers()) {
            int[] kv = PruningOracle.keptKvHeads(PruningOracle.keptHeads(original, pruned, layer),
                    layer.attention().groupSize());
            layer.cache().pastInputs().forEach(name -> cacheHeads.put(name, kv));
            layer.cache().presentOutputs().forEach(name -> cacheHeads.put(name, kv));
        }
        Map<String, FloatTensor> expected = feeds.run(reference);
        Map<String, FloatTensor> actual = feeds.run(pruned, cacheHeads);
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<String, FloatTensor> output : actual.entrySet()) {
            FloatTensor want = expected.get(output.getKey());
            int[] heads = cacheHeads.get(output.getKey());
            if (heads != null) {
                want = PruningOracle.slice(want, want.shape().length == 5 ? 2 : 1, heads);
            }
            assertThat(output.getValue().maxAbsDifference(want)).as(output.getKey()).isLessThan(tolerance);
        }
    }

    @Test
    void pruneMatrices_gpt2PastMatchesZeroedRowsAndShrinksCaches() {
        OnnxModel model = OnnxModel.load(Runs.shared("models/tiny-gpt2-past.onnx"));

        OnnxModel pruned = Compressor.of(model).pruneMatrices(0.5).build();

        assertMatchesZeroedRows(model, pruned, new DecoderFeeds(2, 1, 3, 20), TOLERANCE);
        assertThat(pruned.structure().layers()).allMatch(l -> l.headCount() == 1 && l.ffnSize() == 8);
        assertThat(cacheShape(pruned, "past_3")).isEqualTo("[2, batch_size, 1, seq_len, 2]");
        assertThat(cacheShape(pruned, "present_3")).isEqualTo("[2, batch_size, 1, seq_len_plus_1, 2]");
        // Per layer, hand-counted: half of the packed QKV (4 x 6 + 6) and of c_proj's rows (2 x 4), and
        // half of the feed-forward (4 x 8 + 8 and 8 x 4).
        long perLayer = 4 * 6 + 6 + 2 * 4 + 4 * 8 + 8 + 8 * 4;
        assertThat(model.parameterCount() - pruned.parameterCount()).isEqualTo(12 * perLayer);
    }

    @Test
    void pruneMatrices_fusedGpt2RewritesPackedWeightsAndNumHeads() {
        OnnxModel model = OnnxModel.load(Runs.shared("models/tiny-gpt2-fused.onnx"));

        OnnxModel pruned = Compressor.of(model).pruneMatrices(0.5).build();

        assertMatchesZeroedRows(model, pruned, new DecoderFeeds(2, 3, 2, 1000), TOLERANCE);
        List<NodeProto> attention = pruned.proto().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Attention")).toList();
        assertThat(attention).hasSize(5).allMatch(n -> GraphView.intAttribute(n, "num_heads", 0) == 2);
        assertThat(pruned.structure().layers()).allMatch(l -> l.headCount() == 2 && l.headSize() == 8
                && l.ffnSize() == 64);
        assertThat(cacheShape(pruned, "past_0")).isEqualTo("[2, batch_size, 2, past_seq_len, 8]");
    }

    @Test
    void pruneMatrices_fp16LlamaMatchesZeroedRowsWithinHalfPrecision() {
        OnnxModel model = OnnxModel.load(Runs.shared("models/tiny-llama-fp16/model.onnx"));

        OnnxModel pruned = Compressor.of(model).pruneMatrices(PruneOptions.builder().ffnRatio(0.5).build()).build();

        assertMatchesZeroedRows(model, pruned, new DecoderFeeds(1, 1, 3, 32000), 1e-2);
        assertThat(pruned.structure().layers()).allMatch(l -> l.ffnSize() == 32 && l.headCount() == 1);
        assertThat(PruningOracle.initializer(pruned, "model.layers.0.mlp.gate_proj.MatMul.weight").getDataType())
                .isEqualTo(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE);
    }

    @Test
    void pruneMatrices_afterRemoveLayersOnFusedGpt2() {
        OnnxModel model = OnnxModel.load(Runs.shared("models/tiny-gpt2-fused.onnx"));
        OnnxModel removed = Compressor.of(model).removeLayersAt(1).build();

        OnnxModel both = Compressor.of(model).removeLayersAt(1).pruneMatrices(0.25).build();

        assertMatchesZeroedRows(removed, both, new DecoderFeeds(1, 2, 3, 1000), TOLERANCE);
        assertThat(both.structure().layers()).hasSize(4).allMatch(l -> l.headCount() == 3 && l.ffnSize() == 96);
        assertThat(both.inputNames()).doesNotContain("past_1");
    }

    private static String cacheShape(OnnxModel model, String name) {
        var info = new GraphView(model.proto().getGraph()).graphValue(name).orElseThrow();
        return info.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.getDimParam()).toList().toString();
    }
}
