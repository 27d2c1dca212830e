package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenai.core.Compressor;
import io.greenai.core.LayerSelection;
import io.greenai.core.PruneOptions;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.graph.WeightMatrix;
import io.greenai.onnx.runtime.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Calibrated steps on decoders fed through {@code calibrateWithInputs}: batches of token ids only,
 * the library filling positions, masks and empty caches. Each choice is checked against the test's
 * own computation on tensors that ONNX Runtime exposes from the original graph, fed by the test's
 * own helper ({@link DecoderFeeds}, empty caches).
 */
class DecoderCalibrationTest {

    /**
     * The shared decoders and how they are fed: tiny-gpt2-past's export fixes one new token per step
     * (its sequence dimension is 1), so its batches are single tokens seen with an empty cache; the
     * other two take whole sequences. tiny-gpt2-past's test feeds draw ids below 20.
     */
    private record Decoder(String file, int batch, int length, int vocabulary) {

        OnnxModel load() {
            return OnnxModel.load(Runs.shared(file));
        }

        DecoderFeeds feeds() {
            return new DecoderFeeds(batch, length, 0, vocabulary);
        }

        List<long[][]> tokens(int batches, long seed) {
            Random random = new Random(seed);
            List<long[][]> all = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                long[][] ids = new long[batch][length];
                for (long[] row : ids) {
                    for (int i = 0; i < length; i++) {
                        row[i] = 1 + random.nextInt(vocabulary - 1);
                    }
                }
                all.add(ids);
            }
            return all;
        }
    }

    private static final Decoder GPT2_PAST = new Decoder("models/tiny-gpt2-past.onnx", 16, 1, 20);
    private static final Decoder GPT2_FUSED = new Decoder("models/tiny-gpt2-fused.onnx", 4, 6, 1000);
    private static final Decoder LLAMA = new Decoder("models/tiny-llama-fp16/model.onnx", 2, 6, 32000);

    static List<Decoder> decoders() {
        return List.of(GPT2_PAST, GPT2_FUSED, LLAMA);
    }

    /** Calibration batches as a caller without a tokenizer gives them: token ids only. */
    private static List<Map<String, long[][]>> idsOnly(List<long[][]> tokens) {
        return tokens.stream().map(ids -> Map.of("input_ids", ids)).toList();
    }

    // --- layer choice by redundancy (ShortGPT) ---

    @ParameterizedTest
    @MethodSource("decoders")
    void removeLayers_calibratedRemovesTheLayersThatTurnTheResidualLeast(Decoder decoder) {
        OnnxModel model = decoder.load();
        List<long[][]> tokens = decoder.tokens(3, 1);
        int remove = model.transformerStack().layers().size() / 2;
        List<String> boundaries = model.transformerStack().boundaries();
        int layers = boundaries.size() - 1;
        OnnxModel probe = model.exposeTensors(boundaries);
        double[] distance = new double[layers];
        for (long[][] ids : tokens) {
            Map<String, FloatTensor> outputs = decoder.feeds().runTokens(probe, ids);
            for (int layer = 0; layer < layers; layer++) {
                distance[layer] += angularDistances(outputs.get(boundaries.get(layer)),
                        outputs.get(boundaries.get(layer + 1)));
            }
        }
        Integer[] order = IntStream.range(0, layers).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Double.compare(distance[a], distance[b]));
        List<Integer> expected = Arrays.stream(order).limit(remove).sorted().toList();

        OnnxModel smaller = Compressor.of(model).calibrateWithInputs(idsOnly(tokens)).removeLayers(remove).build();

        assertThat(smaller.metadata().get("greenai.removed_layers"))
                .isEqualTo(expected.stream().map(String::valueOf).collect(Collectors.joining(",")));
        assertThat(smaller.transformerStack().layers()).hasSize(layers - remove);
        assertThat(decoder.feeds().runTokens(smaller, tokens.get(0))).isNotEmpty();
        if (layers > 2) {
            // Not the choice made without calibration data, or the test would not tell them apart.
            assertThat(expected).isNotEqualTo(LayerSelection.defaultChoice(layers, remove));
        }
    }

    /** Sum over tokens of arccos(cos(in, out)) / pi, from [batch, sequence, hidden] tensors. */
    private static double angularDistances(FloatTensor in, FloatTensor out) {
        int width = (int) in.shape()[in.shape().length - 1];
        double sum = 0;
        for (int offset = 0; offset < in.data().length; offset += width) {
            double dot = 0;
            double a = 0;
            double b = 0;
            for (int i = offset; i < offset + width; i++) {
                dot += (double) in.data()[i] * out.data()[i];
                a += (double) in.data()[i] * in.data()[i];
                b += (double) out.data()[i] * out.data()[i];
            }
            sum += Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(a * b)))) / Math.PI;
        }
        return sum;
    }

    // --- activation-aware pruning (Wanda) ---

    @ParameterizedTest
    @MethodSource("decoders")
    void pruneMatrices_activationAwareKeepsLargestActivationNormTimesWeight(Decoder decoder) {
        OnnxModel model = decoder.load();
        List<long[][]> tokens = decoder.tokens(3, 2);
        List<LayerBlock> layers = model.transformerStack().layers();
        List<String> tensors = new ArrayList<>();
        layers.forEach(l -> {
            tensors.add(l.attentionOutput().input());
            tensors.add(l.ffnDown().input());
        });
        double[][] squares = new double[tensors.size()][];
        OnnxModel probe = model.exposeTensors(tensors);
        for (long[][] ids : tokens) {
            Map<String, FloatTensor> outputs = decoder.feeds().runTokens(probe, ids);
            for (int t = 0; t < tensors.size(); t++) {
                FloatTensor x = outputs.get(tensors.get(t));
                int width = (int) x.shape()[x.shape().length - 1];
                squares[t] = squares[t] == null ? new double[width] : squares[t];
                for (int i = 0; i < x.data().length; i++) {
                    squares[t][i % width] += (double) x.data()[i] * x.data()[i];
                }
            }
        }

        OnnxModel pruned = Compressor.of(model).calibrateWithInputs(idsOnly(tokens))
                .pruneMatrices(PruneOptions.builder().headRatio(0.5).ffnRatio(0.5)
                        .importance(PruneOptions.Importance.ACTIVATION).build()).build();

        boolean activationsMattered = false;
        for (LayerBlock layer : layers) {
            int i = layer.index();
            WeightMatrix output = weight(model, layer.attentionOutput().weight(), layer.attentionOutput().transposed());
            WeightMatrix down = weight(model, layer.ffnDown().weight(), layer.ffnDown().transposed());
            // Heads go in whole groups (grouped-query attention): a group scores the sum of its heads.
            int groupSize = layer.attention().groupSize();
            double[] groupScores = new double[layer.kvHeadCount()];
            for (int f = 0; f < output.in(); f++) {
                groupScores[f / layer.headSize() / groupSize] += Math.sqrt(squares[2 * i][f]) * rowL1(output, f);
            }
            int[] keptHeads = Arrays.stream(highest(groupScores, half(groupScores.length)))
                    .flatMap(g -> IntStream.range(g * groupSize, (g + 1) * groupSize)).toArray();
            double[] neuronScores = new double[down.in()];
            double[] weightOnly = new double[down.in()];
            for (int n = 0; n < down.in(); n++) {
                weightOnly[n] = rowL1(down, n);
                neuronScores[n] = Math.sqrt(squares[2 * i + 1][n]) * weightOnly[n];
            }
            assertThat(PruningOracle.keptHeads(model, pruned, layer)).as("heads of layer %d", i)
                    .containsExactly(keptHeads);
            List<Integer> removed = PruningOracle.removedRows(PruningOracle.initializer(model, layer.ffnDown().weight()),
                    PruningOracle.initializer(pruned, layer.ffnDown().weight()));
            int[] kept = IntStream.range(0, down.in()).filter(n -> !removed.contains(n)).toArray();
            assertThat(kept).as("neurons of layer %d", i).containsExactly(highest(neuronScores, half(down.in())));
            activationsMattered |= !Arrays.equals(kept, highest(weightOnly, half(down.in())));
        }
        // The activation norms changed some choice, or weights alone would pass this test.
        assertThat(activationsMattered).isTrue();
    }

    private static WeightMatrix weight(OnnxModel model, String name, boolean transposed) {
        return WeightMatrix.of(PruningOracle.initializer(model, name), transposed);
    }

    private static double rowL1(WeightMatrix matrix, int row) {
        double sum = 0;
        for (int c = 0; c < matrix.out(); c++) {
            sum += Math.abs(matrix.get(row, c));
        }
        return sum;
    }

    /** Half of {@code count}, rounded half up: what a keep ratio of 0.5 keeps. */
    private static int half(int count) {
        return (int) Math.round(0.5 * count);
    }

    /** The indices of the {@code count} highest scores, ascending. */
    private static int[] highest(double[] scores, int count) {
        return IntStream.range(0, scores.length).boxed().sorted((a, b) -> Double.compare(scores[b], scores[a]))
                .limit(count).mapToInt(Integer::intValue).sorted().toArray();
    }

    // --- distillation ---

    @Test
    void distillFrom_gpt2PastWithLayersRemovedMovesLastStateTowardsTheTeacher() {
        OnnxModel model = GPT2_PAST.load();
        List<long[][]> calibration = GPT2_PAST.tokens(8, 3);
        List<long[][]> heldOut = GPT2_PAST.tokens(2, 4);
        DecoderFeeds feeds = GPT2_PAST.feeds();

        OnnxModel student = Compressor.of(model).removeLayersAt(4, 5, 6, 7).build();
        OnnxModel distilled = Compressor.of(model).calibrateWithInputs(idsOnly(calibration)).removeLayersAt(4, 5, 6, 7)
                .distillFrom(model).build();

        double before = 0;
        double after = 0;
        for (long[][] ids : heldOut) {
            FloatTensor teacher = feeds.runTokens(model, ids).get("last_state");
            before += squaredError(feeds.runTokens(student, ids).get("last_state"), teacher);
            after += squaredError(feeds.runTokens(distilled, ids).get("last_state"), teacher);
        }
        assertThat(after).isLessThan(0.8 * before);
        assertThat(distilled.inputNames()).containsExactlyElementsOf(student.inputNames());
        assertThat(distilled.outputNames()).containsExactlyElementsOf(student.outputNames());
    }

    private static double squaredError(FloatTensor actual, FloatTensor expected) {
        double sum = 0;
        for (int i = 0; i < expected.data().length; i++) {
            double d = actual.data()[i] - expected.data()[i];
            sum += d * d;
        }
        return sum;
    }

    @Test
    void calibrateWithInputs_longerRowsThanAOneTokenExportTakesAreRefusedNamingTheInput() {
        OnnxModel model = GPT2_PAST.load();
        List<Map<String, long[][]>> batches = idsOnly(new Decoder(GPT2_PAST.file(), 2, 6, 20).tokens(1, 6));

        assertThatThrownBy(() -> Compressor.of(model).calibrateWithInputs(batches).removeLayers(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fixes input 'input_ids' to 1 tokens per row, got 6")
                .hasMessageContaining("[batch][1]");
    }
}
