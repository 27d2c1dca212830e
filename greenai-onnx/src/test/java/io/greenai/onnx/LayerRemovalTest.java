package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.greenai.core.Compressor;
import io.greenai.onnx.runtime.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayerRemovalTest {

    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path temp;

    private static TinyTransformer fixture(String variant) {
        TinyTransformer fixture = new TinyTransformer();
        return switch (variant) {
            case "post" -> fixture;
            case "pre" -> fixture.preNorm();
            case "fused" -> fixture.fusedLayerNorm();
            default -> throw new IllegalArgumentException(variant);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"post", "pre", "fused"})
    void removeLayersAt_middleLayerMatchesModelBuiltWithoutIt(String variant) {
        OnnxModel model = OnnxModel.of(fixture(variant).layers(0, 1, 2, 3).build(), "tiny");
        OnnxModel expected = OnnxModel.of(fixture(variant).layers(0, 2, 3).build(), "tiny-expected");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(1).build();

        FloatTensor actual = Runs.run(smaller, TinyTransformer.sampleInputs()).get("last_hidden_state");
        FloatTensor reference = Runs.run(expected, TinyTransformer.sampleInputs()).get("last_hidden_state");
        assertThat(actual.maxAbsDifference(reference)).isLessThan(TOLERANCE);
        assertThat(smaller.structure().layerCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"post", "pre", "fused"})
    void removeLayersAt_firstAndLastMatchModelBuiltWithoutThem(String variant) {
        OnnxModel model = OnnxModel.of(fixture(variant).layers(0, 1, 2, 3).build(), "tiny");
        OnnxModel expected = OnnxModel.of(fixture(variant).layers(1, 2).build(), "tiny-expected");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(3, 0).build();

        FloatTensor actual = Runs.run(smaller, TinyTransformer.sampleInputs()).get("last_hidden_state");
        FloatTensor reference = Runs.run(expected, TinyTransformer.sampleInputs()).get("last_hidden_state");
        assertThat(actual.maxAbsDifference(reference)).isLessThan(TOLERANCE);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void removeLayersAt_lastKGiveOriginalIntermediateTensor(int k) {
        ModelProto proto = new TinyTransformer().layers(0, 1, 2, 3).build();
        OnnxModel model = OnnxModel.of(proto, "tiny");
        String intermediate = "layer" + (3 - k) + "/out";
        OnnxModel probe = model.exposeTensors(List.of(intermediate));
        int[] last = new int[k];
        for (int i = 0; i < k; i++) {
            last[i] = 3 - i;
        }

        OnnxModel smaller = Compressor.of(model).removeLayersAt(last).build();

        FloatTensor expected = Runs.run(probe, TinyTransformer.sampleInputs()).get(intermediate);
        FloatTensor actual = Runs.run(smaller, TinyTransformer.sampleInputs()).get("last_hidden_state");
        assertThat(actual.maxAbsDifference(expected)).isLessThan(TOLERANCE);
    }

    @Test
    void removeLayers_zeroReproducesOriginalOutputs() {
        OnnxModel model = OnnxModel.of(new TinyTransformer().build(), "tiny");

        OnnxModel same = Compressor.of(model).removeLayers(0).build();

        FloatTensor expected = Runs.run(model, TinyTransformer.sampleInputs()).get("last_hidden_state");
        FloatTensor actual = Runs.run(same, TinyTransformer.sampleInputs()).get("last_hidden_state");
        assertThat(actual.maxAbsDifference(expected)).isZero();
        assertThat(same.structure()).isEqualTo(model.structure());
    }

    @Test
    void removeLayers_defaultChoiceKeepsFirstAndLastLayers() {
        OnnxModel model = OnnxModel.of(new TinyTransformer().layers(0, 1, 2, 3).build(), "tiny");
        OnnxModel expected = OnnxModel.of(new TinyTransformer().layers(0, 3).build(), "tiny-expected");

        OnnxModel smaller = Compressor.of(model).removeLayers(2).build();

        assertThat(smaller.metadata()).containsEntry("greenai.removed_layers", "1,2");
        FloatTensor actual = Runs.run(smaller, TinyTransformer.sampleInputs()).get("last_hidden_state");
        FloatTensor reference = Runs.run(expected, TinyTransformer.sampleInputs()).get("last_hidden_state");
        assertThat(actual.maxAbsDifference(reference)).isLessThan(TOLERANCE);
    }

    @Test
    void removeLayers_deletesWeightsAndShrinksFileByLayerSize() throws Exception {
        TinyTransformer fixture = new TinyTransformer().hidden(64, 4, 256).layers(0, 1, 2, 3);
        OnnxModel model = OnnxModel.of(fixture.build(), "tiny");
        Path original = model.save(temp.resolve("original.onnx"));

        OnnxModel smaller = Compressor.of(model).removeLayersAt(1, 2).build();
        Path saved = smaller.save(temp.resolve("smaller.onnx"));

        long removedParameters = 2 * fixture.parametersPerLayer();
        assertThat(model.parameterCount() - smaller.parameterCount()).isEqualTo(removedParameters);
        long shrink = Files.size(original) - Files.size(saved);
        // 4 bytes per float, plus the removed nodes and protobuf framing: a few percent at this size
        assertThat(shrink).isBetween(4 * removedParameters, (long) (1.05 * 4 * removedParameters));
        assertThat(smaller.proto().getGraph().getInitializerList())
                .noneMatch(t -> t.getName().startsWith("layer1/") || t.getName().startsWith("layer2/"));
        assertThat(smaller.proto().getGraph().getNodeList())
                .noneMatch(n -> n.getOutputList().stream().anyMatch(o -> o.startsWith("layer1/")));
    }

    @Test
    void removeLayers_keepsInputAndOutputContract() {
        ModelProto proto = new TinyTransformer().build();
        OnnxModel model = OnnxModel.of(proto, "tiny");

        OnnxModel smaller = Compressor.of(model).removeLayers(3).build();

        assertThat(smaller.proto().getGraph().getInputList()).isEqualTo(proto.getGraph().getInputList());
        assertThat(smaller.proto().getGraph().getOutputList()).isEqualTo(proto.getGraph().getOutputList());
        Map<String, FloatTensor> outputs = Runs.run(smaller, TinyTransformer.sampleInputs());
        assertThat(outputs.get("last_hidden_state").shape()).containsExactly(2, 5, 8);
    }

    @Test
    void build_neverChangesTheInputModel() {
        ModelProto proto = new TinyTransformer().build();
        ModelProto copy = ModelProto.newBuilder(proto).build();
        OnnxModel model = OnnxModel.of(proto, "tiny");

        Compressor.of(model).removeLayers(2).build();

        assertThat(model.proto()).isEqualTo(copy);
        assertThat(model.structure().layerCount()).isEqualTo(4);
    }

    @Test
    void build_recordsPlanAndVersionInMetadata() {
        OnnxModel model = OnnxModel.of(new TinyTransformer().build(), "tiny");

        OnnxModel once = Compressor.of(model).removeLayersAt(2).build();
        OnnxModel twice = Compressor.of(once).removeLayersAt(0).build();

        assertThat(once.metadata()).containsEntry("greenai.plan", "removeLayersAt=2")
                .containsEntry("greenai.version", "0.1.0-SNAPSHOT")
                .containsEntry("greenai.removed_layers", "2");
        assertThat(twice.metadata()).containsEntry("greenai.plan", "removeLayersAt=2 | removeLayersAt=0");
        assertThat(twice.structure().layerCount()).isEqualTo(2);
    }

    @Test
    void removeLayersAt_sharedDistilBertMatchesRewiredOriginal() {
        // Reference edit, independent of discovery: feed layer 0's output (tensor "180") straight to the
        // classifier head, which read layer 1's output (tensor "294").
        OnnxModel model = OnnxModel.load(Runs.shared("models/tiny-distilbert-sst2.onnx"));
        OnnxModel reference = OnnxModel.of(HandEdits.readInstead(model.proto(), "294", "180"), "reference");
        Map<String, long[][]> inputs = Map.of(
                "input_ids", new long[][] {{101, 2023, 3185, 2001, 2307, 102}, {101, 6659, 102, 0, 0, 0}},
                "attention_mask", new long[][] {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}});

        OnnxModel smaller = Compressor.of(model).removeLayersAt(1).build();

        FloatTensor expected = Runs.run(reference, inputs).get("logits");
        FloatTensor actual = Runs.run(smaller, inputs).get("logits");
        assertThat(actual.maxAbsDifference(expected)).isLessThan(TOLERANCE);
    }

    @Test
    void removeLayersAt_sharedBertToyMatchesRewiredOriginal() {
        // Layer outputs of bert-toy, read off the file: 239, 355, 471, 587, 703.
        OnnxModel model = OnnxModel.load(Runs.shared("models/bert-toy.onnx"));
        OnnxModel reference = OnnxModel.of(HandEdits.readInstead(model.proto(), "703", "587"), "reference");
        Map<String, long[][]> inputs = Map.of(
                "input_ids", new long[][] {{1, 5, 17, 42, 98, 3}},
                "token_type_ids", new long[][] {{0, 0, 0, 1, 1, 1}},
                "input_mask", new long[][] {{1, 1, 1, 1, 1, 1}});

        OnnxModel smaller = Compressor.of(model).removeLayersAt(4).build();

        Map<String, FloatTensor> expected = Runs.run(reference, inputs);
        Map<String, FloatTensor> actual = Runs.run(smaller, inputs);
        assertThat(actual.get("prediction_scores").maxAbsDifference(expected.get("prediction_scores")))
                .isLessThan(TOLERANCE);
        assertThat(actual.get("seq_relationship_score").maxAbsDifference(expected.get("seq_relationship_score")))
                .isLessThan(TOLERANCE);
    }
}
