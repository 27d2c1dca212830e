package io.greenai.onnx.quant;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.greenai.onnx.MavenModel;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CPU fusions on their own, applied to the float32 exports: MultiHeadAttention and
 * SkipLayerNormalization must compute what the exported subgraphs compute, padding included.
 */
class CpuFusionIT {

    private static final Path MODELS = Path.of("target", "greenai-models");
    private static final List<String> SENTENCES = List.of("GreenAI makes transformer inference cheaper.",
            "a gripping , moving film .", "The quick brown fox jumps over the lazy dog, twice, before breakfast.",
            "no");

    @ParameterizedTest
    @EnumSource(value = MavenModel.class, names = {"ALL_MINILM_L6_V2", "BGE_SMALL_EN_V15"})
    void fusions_matchTheExportedSubgraphs(MavenModel which) {
        OnnxModel model = which.load(MODELS);
        ModelProto proto = model.proto();
        GraphView view = new GraphView(proto.getGraph());
        Set<String> products = new HashSet<>();
        LinearNode.find(view).forEach(l -> products.add(l.output()));
        GraphEditor editor = new GraphEditor(proto);

        int attention = AttentionFusion.apply(editor, view);
        int skip = SkipLayerNormFusion.apply(editor, view, products);
        editor.removeDeadCode();
        OnnxModel fused = OnnxModel.of(editor.build(), "fused");

        int layers = model.structure().layerCount();
        assertThat(attention).isEqualTo(layers);
        assertThat(skip).isEqualTo(2 * layers);
        try (TextEncoder encoder = model.newTextEncoder(128);
                InferenceSession original = model.newSession(OrtOptions.defaults());
                InferenceSession rewritten = fused.newSession(OrtOptions.defaults())) {
            Map<String, long[][]> inputs = encoder.encode(SENTENCES, original.inputNames());
            FloatTensor expected = original.run(inputs).get("last_hidden_state");
            FloatTensor actual = rewritten.run(inputs).get("last_hidden_state");
            // Padded positions included: MultiHeadAttention masks the same keys the additive mask did.
            assertThat(actual.maxAbsDifference(expected)).isLessThan(1e-4);
        }
    }
}
