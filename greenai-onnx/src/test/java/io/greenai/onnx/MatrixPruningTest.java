package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.greenai.core.Compressor;
import io.greenai.core.PruneOptions;
import io.greenai.core.UnsupportedModelException;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.MatrixPruning;
import io.greenai.onnx.runtime.FloatTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MatrixPruningTest {

    private static final double TOLERANCE = 1e-4;

    private static TinyTransformer fixture(String variant) {
        TinyTransformer fixture = new TinyTransformer().hidden(16, 4, 32);
        return switch (variant) {
            case "post" -> fixture;
            case "pre" -> fixture.preNorm();
            case "fused" -> fixture.fusedLayerNorm();
            default -> throw new IllegalArgumentException(variant);
        };
    }

    private static FloatTensor output(OnnxModel model) {
        return Runs.run(model, TinyTransformer.sampleInputs()).get("last_hidden_state");
    }

    @ParameterizedTest
    @ValueSource(strings = {"post", "pre", "fused"})
    void prune_explicitHeadsAndNeuronsMatchZeroedRows(String variant) {
        ModelProto proto = fixture(variant).build();
        OnnxModel model = OnnxModel.of(proto, "tiny");
        // Keep heads 1 and 3 of layer 0, head 2 of layer 2; neurons 0..9 of layer 1 and 5..31 of layer 3.
        List<MatrixPruning.LayerChoice> choices = List.of(
                new MatrixPruning.LayerChoice(0, new int[] {1, 3}, range(0, 32)),
                new MatrixPruning.LayerChoice(1, range(0, 4), range(0, 10)),
                new MatrixPruning.LayerChoice(2, new int[] {2}, range(0, 32)),
                new MatrixPruning.LayerChoice(3, range(0, 4), range(5, 32)));
        GraphEditor editor = new GraphEditor(proto);
        MatrixPruning.prune(editor, new GraphView(proto.getGraph()), model.transformerStack(), choices);
        editor.removeDeadCode();
        OnnxModel pruned = OnnxModel.of(editor.build(), "pruned");

        // Hand-made reference: head h covers rows 4h..4h+3 of the output projection (head size 4).
        OnnxModel reference = OnnxModel.of(PruningOracle.zeroRows(proto, Map.of(
                "layer0/attention_output.weight", List.of(0, 1, 2, 3, 8, 9, 10, 11),
                "layer2/attention_output.weight", List.of(0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15),
                "layer1/ffn/down.weight", rangeList(10, 32),
                "layer3/ffn/down.weight", rangeList(0, 5))), "reference");
        assertThat(output(pruned).maxAbsDifference(output(reference))).isLessThan(TOLERANCE);
        assertThat(pruned.structure().layers()).extracting(l -> l.headCount()).containsExactly(2, 4, 1, 4);
        assertThat(pruned.structure().layers()).extracting(l -> l.ffnSize()).containsExactly(32, 10, 32, 27);
    }

    @ParameterizedTest
    @ValueSource(strings = {"post", "pre", "fused"})
    void pruneMatrices_halfMatchesZeroedRowsOfTheRemovedUnits(String variant) {
        OnnxModel model = OnnxModel.of(fixture(variant).build(), "tiny");

        OnnxModel pruned = Compressor.of(model).pruneMatrices(0.5).build();

        OnnxModel reference = PruningOracle.reference(model, pruned);
        assertThat(output(pruned).maxAbsDifference(output(reference))).isLessThan(TOLERANCE);
        assertThat(pruned.structure().layers()).allMatch(l -> l.headCount() == 2 && l.ffnSize() == 16);
        assertThat(model.parameterCount() - pruned.parameterCount())
                .isEqualTo(4 * (4L * 16 * 8 + 3 * 8 + 2L * 16 * 16 + 16));
    }

    @Test
    void pruneMatrices_afterRemoveLayersInOnePlan() {
        OnnxModel model = OnnxModel.of(fixture("post").build(), "tiny");
        OnnxModel removed = Compressor.of(model).removeLayersAt(1).build();

        OnnxModel both = Compressor.of(model).removeLayersAt(1)
                .pruneMatrices(PruneOptions.builder().headRatio(0.25).ffnRatio(0.75).build()).build();

        assertThat(both.structure().layers()).allMatch(l -> l.headCount() == 3 && l.ffnSize() == 8);
        assertThat(output(both).maxAbsDifference(output(PruningOracle.reference(removed, both))))
                .isLessThan(TOLERANCE);
        assertThat(both.metadata()).containsEntry("greenai.removed_layers", "1")
                .containsEntry("greenai.pruned", "0:3/4h,8/32n;1:3/4h,8/32n;2:3/4h,8/32n")
                .containsEntry("greenai.plan", "removeLayersAt=1,prune=heads:0.25;ffn:0.75");
    }

    @Test
    void pruneMatrices_zeroChangesNothing() {
        OnnxModel model = OnnxModel.of(fixture("post").build(), "tiny");

        OnnxModel same = Compressor.of(model).pruneMatrices(0.0).build();

        assertThat(output(same).maxAbsDifference(output(model))).isZero();
    }

    @Test
    void prune_rejectsLayerWithNothingKept() {
        ModelProto proto = fixture("post").build();
        OnnxModel model = OnnxModel.of(proto, "tiny");
        GraphEditor editor = new GraphEditor(proto);

        assertThatThrownBy(() -> MatrixPruning.prune(editor, new GraphView(proto.getGraph()),
                model.transformerStack(), List.of(new MatrixPruning.LayerChoice(2, new int[0], range(0, 32)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 2")
                .hasMessageContaining("no head");
    }

    @Test
    void pruneMatrices_rejectsSharedWeightNamingIt() {
        // Tie layer 1's value weight to layer 0's: pruning one would silently change the other.
        ModelProto proto = fixture("post").build();
        var graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (graph.getNode(i).getOutput(0).equals("layer1/value/matmul")) {
                graph.setNode(i, graph.getNode(i).toBuilder().setInput(1, "layer0/value.weight"));
            }
        }
        OnnxModel model = OnnxModel.of(proto.toBuilder().setGraph(graph).build(), "tied");

        assertThatThrownBy(() -> Compressor.of(model).pruneMatrices(0.5).build())
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("layer0/value.weight");
    }

    @Test
    void pruneMatrices_activationImportanceWithoutCalibrationSaysWhatIsMissing() {
        OnnxModel model = OnnxModel.of(fixture("post").build(), "tiny");

        assertThatThrownBy(() -> Compressor.of(model).pruneMatrices(PruneOptions.builder().headRatio(0.5)
                .importance(PruneOptions.Importance.ACTIVATION).build()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("calibration texts");
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    private static List<Integer> rangeList(int from, int to) {
        return java.util.stream.IntStream.range(from, to).boxed().toList();
    }
}
