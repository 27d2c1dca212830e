package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.Compressor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.graph.TransformerDiscovery;
import io.greenai.onnx.runtime.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Distillation on the layouts beyond plain-operator encoders: ONNX Runtime's fused GPT-2 (residual
 * Adds inside {@code SkipLayerNormalization}, fused {@code Attention}), the float16 LLaMA of the
 * onnxruntime-genai builder ({@code SkipSimplifiedLayerNormalization}, {@code MultiHeadAttention},
 * projections without bias) and the T5-layout encoder-decoder (RMSNorm, no biases,
 * cross-attention), each stack in turn. The oracle is ONNX Runtime running the teacher graph on
 * held-out inputs that differ from the calibration inputs: the distilled student's output error to
 * it must be at most half the undistilled student's.
 */
class LayoutDistillationTest {

    /** What each test measures, printed so the README's numbers can be checked. */
    private static void report(String what, double before, double after) {
        System.out.printf("%s: squared error to the teacher %.4g before distillation, %.4g after (%.1f%%)%n", what,
                before, after, 100 * after / before);
    }

    private static List<Map<String, long[][]>> tokenBatches(int batches, int rows, int length, int vocabulary,
            long seed) {
        Random random = new Random(seed);
        List<Map<String, long[][]>> all = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            long[][] ids = new long[rows][length];
            for (long[] row : ids) {
                for (int i = 0; i < length; i++) {
                    row[i] = 1 + random.nextInt(vocabulary - 1);
                }
            }
            all.add(Map.of("input_ids", ids));
        }
        return all;
    }

    private static double squaredError(FloatTensor actual, FloatTensor expected) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        double sum = 0;
        for (int i = 0; i < expected.data().length; i++) {
            double d = actual.data()[i] - expected.data()[i];
            sum += d * d;
        }
        return sum;
    }

    /** Sum over held-out batches of the squared error of one output to the teacher's. */
    private static double error(Function<Map<String, long[][]>, Map<String, FloatTensor>> student,
            Function<Map<String, long[][]>, Map<String, FloatTensor>> teacher, List<Map<String, long[][]>> heldOut,
            String output) {
        double sum = 0;
        for (Map<String, long[][]> batch : heldOut) {
            sum += squaredError(student.apply(batch).get(output), teacher.apply(batch).get(output));
        }
        return sum;
    }

    private static TensorProto initializer(OnnxModel model, String name) {
        return PruningOracle.initializer(model, name);
    }

    // --- fused decoders ---

    /** A decoder with layers removed, without and with distillation. */
    private record DecoderRun(OnnxModel student, OnnxModel distilled) {
    }

    /**
     * Removes layers with and without distillation, and asserts that distillation at least halves the
     * squared logit error to ONNX Runtime running the teacher on held-out tokens, and that both keep
     * the same inputs and outputs.
     */
    private static DecoderRun removeAndDistill(OnnxModel model, int layers, List<Map<String, long[][]>> calibration,
            List<Map<String, long[][]>> heldOut, DecoderFeeds feeds, String label) {
        byte[] original = model.proto().toByteArray();
        OnnxModel student = Compressor.of(model).calibrateWithInputs(calibration).removeLayers(layers).build();
        OnnxModel distilled = Compressor.of(model).calibrateWithInputs(calibration).removeLayers(layers)
                .distillFrom(model).build();

        double before = error(b -> feeds.runTokens(student, b.get("input_ids")),
                b -> feeds.runTokens(model, b.get("input_ids")), heldOut, "logits");
        double after = error(b -> feeds.runTokens(distilled, b.get("input_ids")),
                b -> feeds.runTokens(model, b.get("input_ids")), heldOut, "logits");
        report(label, before, after);
        assertThat(after).isLessThan(0.5 * before);
        assertThat(distilled.inputNames()).containsExactlyElementsOf(student.inputNames());
        assertThat(distilled.outputNames()).containsExactlyElementsOf(student.outputNames());
        assertThat(model.proto().toByteArray()).as("the input model is unchanged").isEqualTo(original);
        return new DecoderRun(student, distilled);
    }

    @Test
    void distillFrom_fusedGpt2WithLayersRemovedHalvesTheLogitError() {
        OnnxModel model = OnnxModel.load(Runs.shared("models/tiny-gpt2-fused.onnx"));
        List<Map<String, long[][]>> calibration = tokenBatches(16, 4, 6, 1000, 21);
        List<Map<String, long[][]>> heldOut = tokenBatches(3, 4, 6, 1000, 22);

        DecoderRun run = removeAndDistill(model, 2, calibration, heldOut, new DecoderFeeds(4, 6, 0, 1000),
                "tiny-gpt2-fused, 2 of 5 layers removed");

        OnnxModel distilled = run.distilled();
        assertThat(distilled.inputNames()).hasSize(model.inputNames().size() - 2);
        assertThat(distilled.outputNames()).hasSize(model.outputNames().size() - 2);
        // The probing graphs' extra residual-sum outputs stay out of the saved graph.
        assertThat(distilled.proto().getGraph().getNodeList()).filteredOn(n -> n.getOpType().contains("SkipLayer"))
                .allMatch(n -> n.getOutputList().stream().noneMatch(o -> o.contains("greenai")));
    }

    @Test
    void distillFrom_fp16LlamaWithALayerRemovedHalvesTheLogitErrorAndStaysFloat16() {
        OnnxModel model = OnnxModel.load(Runs.shared("models/tiny-llama-fp16/model.onnx"));
        List<Map<String, long[][]>> calibration = tokenBatches(16, 2, 6, 32000, 31);
        List<Map<String, long[][]>> heldOut = tokenBatches(3, 2, 6, 32000, 32);

        DecoderRun run = removeAndDistill(model, 1, calibration, heldOut, new DecoderFeeds(2, 6, 0, 32000),
                "tiny-llama-fp16, 1 of 2 layers removed");

        OnnxModel student = run.student();
        OnnxModel distilled = run.distilled();
        LayerBlock kept = distilled.transformerStack().layers().get(0);
        // The language-model head has no bias and its own weight: it is refit through the origin too.
        String head = lmHead(distilled);
        for (String weight : List.of(kept.attentionOutput().weight(), kept.ffnDown().weight(), head)) {
            TensorProto refit = initializer(distilled, weight);
            assertThat(refit.getDataType()).as(weight).isEqualTo(TensorProto.DataType.FLOAT16_VALUE);
            assertThat(refit.getDimsList()).isEqualTo(initializer(model, weight).getDimsList());
            assertThat(refit.getRawData()).as(weight + " was refit").isNotEqualTo(initializer(student, weight)
                    .getRawData());
        }
    }

    @Test
    void distillFrom_leavesAHeadThatSharesItsWeightAsItIs() {
        OnnxModel plain = OnnxModel.load(Runs.shared("models/tiny-llama-fp16/model.onnx"));
        String head = lmHead(plain);
        // A second reader of the head's weight stands for tied embeddings: refitting it would change that reader.
        OnnxModel model = plain.edited(editor -> editor.addOutput(editor.addNode("Shape", List.of(head), "tied_reader"),
                TensorProto.DataType.INT64_VALUE));
        List<Map<String, long[][]>> calibration = tokenBatches(8, 2, 6, 32000, 33);

        OnnxModel student = Compressor.of(model).calibrateWithInputs(calibration).removeLayers(1).build();
        OnnxModel distilled = Compressor.of(model).calibrateWithInputs(calibration).removeLayers(1)
                .distillFrom(model).build();

        assertThat(initializer(distilled, head).getRawData()).isEqualTo(initializer(student, head).getRawData());
        LayerBlock kept = distilled.transformerStack().layers().get(0);
        assertThat(initializer(distilled, kept.ffnDown().weight()).getRawData())
                .isNotEqualTo(initializer(student, kept.ffnDown().weight()).getRawData());
    }

    /** The weight of the projection that produces {@code logits}. */
    private static String lmHead(OnnxModel model) {
        return TransformerDiscovery.projectionProducing(new GraphView(model.proto().getGraph()), "logits").weight();
    }

    // --- T5-layout encoder-decoder ---

    /** Batches of 4 rows: 6 source tokens and 5 target tokens, a few padded. */
    private static List<Map<String, long[][]>> t5Batches(int batches, long seed) {
        Random random = new Random(seed);
        List<Map<String, long[][]>> all = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            long[][][] source = padded(random, 4, 6);
            long[][][] target = padded(random, 4, 5);
            target[0][0][0] = 0;
            all.add(Map.of("input_ids", source[0], "attention_mask", source[1], "decoder_input_ids", target[0],
                    "decoder_attention_mask", target[1]));
        }
        return all;
    }

    private static long[][][] padded(Random random, int rows, int length) {
        long[][] ids = new long[rows][length];
        long[][] mask = new long[rows][length];
        for (int r = 0; r < rows; r++) {
            int real = length - random.nextInt(3);
            for (int t = 0; t < length; t++) {
                ids[r][t] = t < real ? 1 + random.nextInt(TinyT5.VOCAB - 1) : 0;
                mask[r][t] = t < real ? 1 : 0;
            }
        }
        return new long[][][] {ids, mask};
    }

    private static double t5Error(OnnxModel student, OnnxModel teacher, List<Map<String, long[][]>> heldOut,
            String output) {
        return error(b -> Runs.run(student, b), b -> Runs.run(teacher, b), heldOut, output);
    }

    @Test
    void distillFrom_t5WithAnEncoderLayerRemovedHalvesBothOutputErrors() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");
        byte[] original = model.proto().toByteArray();
        List<Map<String, long[][]>> calibration = t5Batches(24, 41);
        List<Map<String, long[][]>> heldOut = t5Batches(4, 42);

        OnnxModel student = Compressor.of(model).calibrateWithInputs(calibration).removeLayers("encoder", 1).build();
        OnnxModel distilled = Compressor.of(model).calibrateWithInputs(calibration).removeLayers("encoder", 1)
                .distillFrom(model).build();

        for (String output : List.of("encoder_last_hidden_state", "logits")) {
            double before = t5Error(student, model, heldOut, output);
            double after = t5Error(distilled, model, heldOut, output);
            report("TinyT5, 1 of 3 encoder layers removed, " + output, before, after);
            assertThat(after).as(output).isLessThan(0.5 * before);
        }
        assertThat(distilled.structure().stack("encoder").layerCount()).isEqualTo(2);
        assertThat(distilled.inputNames()).containsExactlyElementsOf(model.inputNames());
        assertThat(distilled.outputNames()).containsExactlyElementsOf(model.outputNames());
        assertThat(model.proto().toByteArray()).as("the input model is unchanged").isEqualTo(original);
    }

    @Test
    void distillFrom_t5WithADecoderLayerRemovedRefitsCrossAttentionAndHalvesTheLogitError() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");
        byte[] original = model.proto().toByteArray();
        List<Map<String, long[][]>> calibration = t5Batches(24, 43);
        List<Map<String, long[][]>> heldOut = t5Batches(4, 44);

        OnnxModel student = Compressor.of(model).calibrateWithInputs(calibration).removeLayers("decoder", 1).build();
        OnnxModel distilled = Compressor.of(model).calibrateWithInputs(calibration).removeLayers("decoder", 1)
                .distillFrom(model).build();

        double before = t5Error(student, model, heldOut, "logits");
        double after = t5Error(distilled, model, heldOut, "logits");
        report("TinyT5, 1 of 3 decoder layers removed, logits", before, after);
        assertThat(after).isLessThan(0.5 * before);
        assertThat(distilled.structure().stack("decoder").layerCount()).isEqualTo(2);
        assertThat(distilled.inputNames()).containsExactlyElementsOf(model.inputNames());
        assertThat(distilled.outputNames()).containsExactlyElementsOf(model.outputNames());
        assertThat(model.proto().toByteArray()).as("the input model is unchanged").isEqualTo(original);
        for (LayerBlock layer : distilled.transformerStack("decoder").layers()) {
            String cross = layer.crossAttention().output().weight();
            assertThat(initializer(distilled, cross).getRawData()).as(cross + " was refit")
                    .isNotEqualTo(initializer(student, cross).getRawData());
        }
    }
}
