package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.greenai.core.Compressor;
import io.greenai.core.LayerInfo;
import io.greenai.core.ModelStructure;
import io.greenai.core.NormPlacement;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Integration tests on the real pretrained models from Maven Central. */
class MavenModelsIT {

    private static final Path MODELS = Path.of("target", "greenai-models");
    private static final List<String> SENTENCES = List.of(
            "GreenAI makes transformer inference cheaper.",
            "The quick brown fox jumps over the lazy dog.",
            "a gripping , moving film .");

    private static OnnxModel bge;

    @TempDir
    Path temp;

    @BeforeAll
    static void loadBge() {
        bge = MavenModel.BGE_SMALL_EN_V15.load(MODELS);
    }

    private static Map<String, long[][]> encode(OnnxModel model, List<String> texts) {
        try (TextEncoder encoder = model.newTextEncoder(128)) {
            return encoder.encode(texts, new java.util.LinkedHashSet<>(model.inputNames()));
        }
    }

    private static String layerOutput(int layer) {
        // The PyTorch exporter's name for the output of BertLayer `layer`, read off the files.
        return "/encoder/layer." + layer + "/output/LayerNorm/Add_1_output_0";
    }

    @ParameterizedTest
    @EnumSource(value = MavenModel.class, names = {"BGE_SMALL_EN_V15", "ALL_MINILM_L6_V2", "E5_SMALL_V2"})
    void structure_matchesPublishedConfig(MavenModel which) {
        // Published configs: hidden 384, 12 heads of 32, intermediate 1536, GELU, post-norm BERT layers.
        int layers = which == MavenModel.ALL_MINILM_L6_V2 ? 6 : 12;
        ModelStructure structure = which.load(MODELS).structure();

        assertThat(structure.hiddenSize()).isEqualTo(384);
        assertThat(structure.layers()).hasSize(layers)
                .allSatisfy(l -> assertThat(l).isEqualTo(new LayerInfo(l.index(), 12, 32, 1536, "gelu",
                        NormPlacement.POST)));
    }

    @Test
    void removeLayersAt_lastThreeOfBgeGiveLayer8Output() {
        OnnxModel probe = bge.exposeTensors(List.of(layerOutput(8)));
        Map<String, long[][]> inputs = encode(bge, SENTENCES);

        OnnxModel smaller = Compressor.of(bge).removeLayersAt(9, 10, 11).build();

        FloatTensor expected = Runs.run(probe, inputs).get(layerOutput(8));
        FloatTensor actual = Runs.run(smaller, inputs).get("last_hidden_state");
        assertThat(actual.maxAbsDifference(expected)).isLessThan(1e-4);
    }

    @Test
    void removeLayersAt_lastOfMiniLmGivesLayer4Output() {
        OnnxModel miniLm = MavenModel.ALL_MINILM_L6_V2.load(MODELS);
        OnnxModel probe = miniLm.exposeTensors(List.of(layerOutput(4)));
        Map<String, long[][]> inputs = encode(miniLm, SENTENCES);

        OnnxModel smaller = Compressor.of(miniLm).removeLayersAt(5).build();

        FloatTensor expected = Runs.run(probe, inputs).get(layerOutput(4));
        FloatTensor actual = Runs.run(smaller, inputs).get("last_hidden_state");
        assertThat(actual.maxAbsDifference(expected)).isLessThan(1e-4);
    }

    @Test
    void removeLayers_zeroReproducesBgeOutputs() {
        Map<String, long[][]> inputs = encode(bge, SENTENCES);

        OnnxModel same = Compressor.of(bge).removeLayers(0).build();

        assertThat(Runs.run(same, inputs).get("last_hidden_state")
                .maxAbsDifference(Runs.run(bge, inputs).get("last_hidden_state"))).isZero();
    }

    @Test
    void removeLayers_shrinksBgeFileInProportion() throws IOException {
        // One BERT layer of hidden 384 and intermediate 1536, counted by hand:
        // Q, K, V, O: 4 x (384 x 384 + 384); FFN: 384 x 1536 + 1536 + 1536 x 384 + 384; 2 LayerNorms: 4 x 384.
        long perLayer = 4L * (384 * 384 + 384) + (384L * 1536 + 1536) + (1536L * 384 + 384) + 4L * 384;
        Path original = Path.of(MODELS.toString(), MavenModel.BGE_SMALL_EN_V15.modelResource());

        Path saved = Compressor.of(bge).removeLayers(6).build().save(temp.resolve("bge-6.onnx"));

        long shrink = Files.size(original) - Files.size(saved);
        assertThat((double) shrink).isCloseTo(6.0 * perLayer * 4, within(0.01 * 6 * perLayer * 4));
        OnnxModel reloaded = OnnxModel.load(saved);
        assertThat(reloaded.structure().layerCount()).isEqualTo(6);
        assertThat(reloaded.inputNames()).isEqualTo(bge.inputNames());
        assertThat(reloaded.outputNames()).isEqualTo(bge.outputNames());
        assertThat(reloaded.metadata()).containsEntry("greenai.plan", "removeLayers=6")
                .containsKey("greenai.version").containsEntry("greenai.removed_layers", "1,3,5,6,8,10");
    }

    @Test
    void removeLayers_withCalibrationDropsLayersThatChangeTheirInputLeast() throws IOException {
        OnnxModel miniLm = MavenModel.ALL_MINILM_L6_V2.load(MODELS);
        List<String> texts = sst2Sentences(48);
        // Oracle: angular distance between each layer's input and output, computed here from the
        // original graph's tensors named by the exporter.
        List<String> boundaries = new ArrayList<>();
        boundaries.add("/embeddings/LayerNorm/Add_1_output_0");
        IntStream.range(0, 5).forEach(i -> boundaries.add(layerOutput(i)));
        boundaries.add("last_hidden_state");
        double[] distance = new double[6];
        OnnxModel probe = miniLm.exposeTensors(boundaries.subList(0, 6));
        try (InferenceSession session = probe.newSession(OrtOptions.defaults());
                TextEncoder encoder = probe.newTextEncoder(128)) {
            for (String text : texts) {
                Map<String, long[][]> inputs = encoder.encode(List.of(text), session.inputNames());
                Map<String, FloatTensor> outputs = session.run(inputs);
                for (int layer = 0; layer < 6; layer++) {
                    float[] in = outputs.get(boundaries.get(layer)).data();
                    float[] out = outputs.get(boundaries.get(layer + 1)).data();
                    for (int token = 0; token < in.length / 384; token++) {
                        float[] a = Arrays.copyOfRange(in, token * 384, token * 384 + 384);
                        float[] b = Arrays.copyOfRange(out, token * 384, token * 384 + 384);
                        distance[layer] += Math.acos(Math.min(1, io.greenai.onnx.runtime.Embeddings.cosine(a, b)));
                    }
                }
            }
        }
        List<Integer> expected = IntStream.range(0, 6).boxed()
                .sorted(Comparator.comparingDouble(i -> distance[i])).limit(2).sorted().toList();

        OnnxModel smaller = Compressor.of(miniLm).calibrateWith(texts).removeLayers(2).build();

        String removed = expected.get(0) + "," + expected.get(1);
        assertThat(smaller.metadata()).containsEntry("greenai.removed_layers", removed);
        assertThat(smaller.structure().layerCount()).isEqualTo(4);
    }

    @Test
    void textEncoder_producesBertWordPieceIds() {
        // bert-base-uncased vocabulary: [CLS]=101, hello=7592, world=2088, [SEP]=102.
        Map<String, long[][]> inputs = encode(bge, List.of("Hello world", "hello"));

        assertThat(inputs.get("input_ids")).isDeepEqualTo(new long[][] {{101, 7592, 2088, 102}, {101, 7592, 102, 0}});
        assertThat(inputs.get("attention_mask")).isDeepEqualTo(new long[][] {{1, 1, 1, 1}, {1, 1, 1, 0}});
        assertThat(inputs.get("token_type_ids")).isDeepEqualTo(new long[][] {{0, 0, 0, 0}, {0, 0, 0, 0}});
    }

    @Test
    void pruneMatrices_halfOfBgeMatchesZeroedRowsOfTheRemovedUnits() {
        Map<String, long[][]> inputs = encode(bge, SENTENCES);

        OnnxModel pruned = Compressor.of(bge).pruneMatrices(0.5).build();

        OnnxModel reference = PruningOracle.reference(bge, pruned);
        assertThat(Runs.run(pruned, inputs).get("last_hidden_state")
                .maxAbsDifference(Runs.run(reference, inputs).get("last_hidden_state"))).isLessThan(1e-4);
        assertThat(pruned.structure().layers()).allSatisfy(l -> assertThat(l).isEqualTo(
                new LayerInfo(l.index(), 6, 32, 768, "gelu", NormPlacement.POST)));
        // Half of Q, K, V, O and FFN weights and their biases (hand count) leave every layer.
        long perLayer = 4L * 384 * 192 + 3 * 192 + 2L * 384 * 768 + 768;
        assertThat(bge.parameterCount() - pruned.parameterCount()).isEqualTo(12 * perLayer);
    }

    @Test
    void pruneMatrices_activationAwareOnMiniLmMatchesZeroedRows() throws IOException {
        OnnxModel miniLm = MavenModel.ALL_MINILM_L6_V2.load(MODELS);
        Map<String, long[][]> inputs = encode(miniLm, SENTENCES);

        OnnxModel pruned = Compressor.of(miniLm).calibrateWith(sst2Sentences(64)).pruneMatrices(0.3).build();

        OnnxModel reference = PruningOracle.reference(miniLm, pruned);
        assertThat(Runs.run(pruned, inputs).get("last_hidden_state")
                .maxAbsDifference(Runs.run(reference, inputs).get("last_hidden_state"))).isLessThan(1e-4);
        assertThat(pruned.structure().layers()).allMatch(l -> l.headCount() == 8 && l.ffnSize() == 1075);
    }

    @Test
    void pruneMatrices_afterRemoveLayersOnE5() {
        OnnxModel e5 = MavenModel.E5_SMALL_V2.load(MODELS);
        Map<String, long[][]> inputs = encode(e5, SENTENCES);
        OnnxModel removed = Compressor.of(e5).removeLayers(4).build();

        OnnxModel both = Compressor.of(e5).removeLayers(4).pruneMatrices(0.3).build();

        assertThat(both.structure().layerCount()).isEqualTo(8);
        assertThat(Runs.run(both, inputs).get("last_hidden_state").maxAbsDifference(
                Runs.run(PruningOracle.reference(removed, both), inputs).get("last_hidden_state"))).isLessThan(1e-4);
    }

    private static List<String> sst2Sentences(int count) throws IOException {
        try (var lines = Files.lines(Runs.shared("data/sst2/dev.tsv"))) {
            return lines.skip(1).map(l -> l.substring(0, l.lastIndexOf('\t')).trim()).limit(count).toList();
        }
    }
}
