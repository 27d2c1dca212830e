package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.greenai.core.Compressor;
import io.greenai.core.DistillOptions;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.MatrixPruning;
import io.greenai.onnx.graph.Tensors;
import io.greenai.onnx.runtime.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DistillationTest {

    /** 48 batches of 4 random sequences of 6 tokens, a few padded: 1000+ real tokens. */
    private static List<Map<String, long[][]>> calibration() {
        Random random = new Random(11);
        List<Map<String, long[][]>> batches = new ArrayList<>();
        for (int b = 0; b < 48; b++) {
            long[][] ids = new long[4][6];
            long[][] mask = new long[4][6];
            for (int r = 0; r < 4; r++) {
                int length = 3 + random.nextInt(4);
                for (int t = 0; t < 6; t++) {
                    ids[r][t] = t < length ? 1 + random.nextInt(TinyTransformer.VOCAB - 1) : 0;
                    mask[r][t] = t < length ? 1 : 0;
                }
            }
            batches.add(Map.of("input_ids", ids, "attention_mask", mask));
        }
        return batches;
    }

    /** Copies columns [0, half) of a [in, out] weight (and its bias) over columns [half, out). */
    private static ModelProto duplicateNeurons(ModelProto proto, String weight, String bias) {
        var graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto tensor = graph.getInitializer(i);
            if (!tensor.getName().equals(weight) && !tensor.getName().equals(bias)) {
                continue;
            }
            float[] values = Tensors.toFloats(tensor);
            int out = (int) tensor.getDims(tensor.getDimsCount() - 1);
            int rows = values.length / out;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(values, r * out, values, r * out + out / 2, out / 2);
            }
            ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(values);
            graph.setInitializer(i, tensor.toBuilder().setRawData(ByteString.copyFrom(buffer.array())));
        }
        return proto.toBuilder().setGraph(graph).build();
    }

    @Test
    void distillFrom_recoversPrunedDuplicateNeuronsExactly() {
        // Teacher: layer 1's neurons 8..15 are copies of neurons 0..7. Removing the copies loses their
        // contribution, which refitting the down projection recovers exactly: W'[i] = W[i] + W[i + 8].
        ModelProto teacherProto = duplicateNeurons(new TinyTransformer().build(), "layer1/ffn/up.weight",
                "layer1/ffn/up.bias");
        OnnxModel teacher = OnnxModel.of(teacherProto, "teacher");
        GraphEditor editor = new GraphEditor(teacherProto);
        int[] allHeads = {0, 1};
        int[] allNeurons = IntStream.range(0, 16).toArray();
        MatrixPruning.prune(editor, new GraphView(teacherProto.getGraph()), teacher.transformerStack(), List.of(
                new MatrixPruning.LayerChoice(1, allHeads, IntStream.range(0, 8).toArray()),
                new MatrixPruning.LayerChoice(0, allHeads, allNeurons)));
        editor.removeDeadCode();
        OnnxModel student = OnnxModel.of(editor.build(), "student");
        FloatTensor expected = Runs.run(teacher, TinyTransformer.sampleInputs()).get("last_hidden_state");
        double before = Runs.run(student, TinyTransformer.sampleInputs()).get("last_hidden_state")
                .maxAbsDifference(expected);

        OnnxModel distilled = Compressor.of(student).calibrateWithInputs(calibration())
                .distillFrom(teacher, new DistillOptions(1e-10)).build();

        assertThat(before).isGreaterThan(1e-2);
        assertThat(Runs.run(distilled, TinyTransformer.sampleInputs()).get("last_hidden_state")
                .maxAbsDifference(expected)).isLessThan(1e-4);
    }

    @Test
    void distillFrom_lowersReconstructionErrorAfterLayerRemoval() {
        OnnxModel teacher = OnnxModel.of(new TinyTransformer().hidden(16, 4, 32).build(), "teacher");
        List<Map<String, long[][]>> batches = calibration();

        OnnxModel removed = Compressor.of(teacher).removeLayersAt(1, 2).build();
        OnnxModel distilled = Compressor.of(teacher).removeLayersAt(1, 2).calibrateWithInputs(batches)
                .distillFrom(teacher).build();

        double before = meanSquaredError(removed, teacher, batches);
        double after = meanSquaredError(distilled, teacher, batches);
        assertThat(after).isLessThan(0.5 * before);
        assertThat(distilled.metadata().get("greenai.plan")).contains("distill");
    }

    @Test
    void skipLayerNormFixtureComputesWhatThePlainFixtureComputes() {
        OnnxModel plain = OnnxModel.of(new TinyTransformer().hidden(16, 4, 32).build(), "plain");
        OnnxModel fused = OnnxModel.of(new TinyTransformer().hidden(16, 4, 32).skipLayerNorm().build(), "fused");

        assertThat(fused.proto().getGraph().getNodeList())
                .filteredOn(n -> n.getOpType().equals("SkipLayerNormalization")).hasSize(8);
        for (Map<String, long[][]> batch : calibration().subList(0, 3)) {
            float[] expected = Runs.run(plain, batch).get("last_hidden_state").data();
            float[] actual = Runs.run(fused, batch).get("last_hidden_state").data();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], offset(1e-4f));
            }
        }
    }

    @Test
    void distillFrom_postNormSkipLayerNormGraphRefitsAsThePlainGraphDoes() {
        OnnxModel plainTeacher = OnnxModel.of(new TinyTransformer().hidden(16, 4, 32).build(), "plain");
        OnnxModel teacher = OnnxModel.of(new TinyTransformer().hidden(16, 4, 32).skipLayerNorm().build(), "fused");
        byte[] original = teacher.proto().toByteArray();
        List<Map<String, long[][]>> batches = calibration();

        OnnxModel removed = Compressor.of(teacher).removeLayersAt(1, 2).build();
        OnnxModel distilled = Compressor.of(teacher).removeLayersAt(1, 2).calibrateWithInputs(batches)
                .distillFrom(teacher).build();
        OnnxModel plainDistilled = Compressor.of(plainTeacher).removeLayersAt(1, 2).calibrateWithInputs(batches)
                .distillFrom(plainTeacher).build();

        // The oracle is the teacher in ONNX Runtime: the error to it at least halves, as in the plain graph.
        double before = meanSquaredError(removed, teacher, batches);
        double after = meanSquaredError(distilled, teacher, batches);
        assertThat(after).isLessThan(0.5 * before);
        // The fused layer's residual sums hold the projection bias inside the norm; refit through them,
        // the student computes what the plain graph's refit student computes.
        assertThat(meanSquaredError(distilled, plainDistilled, batches)).isLessThan(1e-3 * after);
        assertThat(distilled.proto().getGraph().getNodeList())
                .filteredOn(n -> n.getOpType().equals("SkipLayerNormalization")).hasSize(4)
                .allMatch(n -> n.getOutputCount() == 1);
        assertThat(distilled.outputNames()).containsExactly("last_hidden_state");
        assertThat(teacher.proto().toByteArray()).as("the teacher is unchanged").isEqualTo(original);
    }

    @Test
    void distillFrom_rejectsTeacherWithOtherInputsNamingThem() {
        ModelProto proto = new TinyTransformer().build();
        OnnxModel other = OnnxModel.of(HandEdits.rename(proto, "attention_mask", "mask"), "other");
        OnnxModel model = OnnxModel.of(proto, "tiny");

        assertThatThrownBy(() -> Compressor.of(model).removeLayers(1).calibrateWithInputs(calibration())
                .distillFrom(other).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mask")
                .hasMessageContaining("attention_mask");
    }

    @Test
    void distillFrom_rejectsTeacherWithAnotherLayerCount() {
        OnnxModel model = OnnxModel.of(new TinyTransformer().build(), "tiny");
        OnnxModel shallow = OnnxModel.of(new TinyTransformer().layers(0, 1).build(), "shallow");

        assertThatThrownBy(() -> Compressor.of(model).removeLayers(1).calibrateWithInputs(calibration())
                .distillFrom(shallow).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 layers")
                .hasMessageContaining("4-layer");
    }

    @Test
    void distillFrom_refusesAWeightThatTwoLayersShareNamingIt() {
        // Layer 1's down projection reads layer 0's weight (tied weights): refitting it for layer 0
        // would change layer 1 too, so distillation refuses rather than produce a wrong model.
        ModelProto proto = HandEdits.readInstead(new TinyTransformer().build(), "layer1/ffn/down.weight",
                "layer0/ffn/down.weight");
        OnnxModel tied = OnnxModel.of(proto, "tied");

        assertThatThrownBy(() -> Compressor.of(tied).removeLayersAt(3).calibrateWithInputs(calibration())
                .distillFrom(tied).build())
                .isInstanceOf(io.greenai.core.UnsupportedModelException.class)
                .hasMessageContaining("'layer0/ffn/down.weight'").hasMessageContaining("also read by");
    }

    private static double meanSquaredError(OnnxModel student, OnnxModel teacher, List<Map<String, long[][]>> batches) {
        double sum = 0;
        long count = 0;
        for (Map<String, long[][]> batch : batches) {
            float[] s = Runs.run(student, batch).get("last_hidden_state").data();
            float[] t = Runs.run(teacher, batch).get("last_hidden_state").data();
            for (int i = 0; i < s.length; i++) {
                sum += (s[i] - t[i]) * (double) (s[i] - t[i]);
            }
            count += s.length;
        }
        return sum / count;
    }
}
