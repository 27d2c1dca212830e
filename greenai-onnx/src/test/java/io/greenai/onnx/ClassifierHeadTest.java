package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.greenai.core.UnsupportedModelException;
import io.greenai.core.data.Dataset;
import io.greenai.core.data.LabeledText;
import io.greenai.core.eval.Progress;
import io.greenai.core.fit.LinearModel;
import io.greenai.onnx.eval.ClassifierHead;
import io.greenai.onnx.eval.HeadOptions;
import io.greenai.onnx.eval.Pooling;
import io.greenai.onnx.eval.TextClassifier;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.Tensors;
import io.greenai.onnx.graph.WeightMatrix;
import io.greenai.onnx.runtime.FloatTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClassifierHeadTest {

    @TempDir
    Path dir;

    static LinearModel randomHead(int hidden, int classes, long seed) {
        Random random = new Random(seed);
        double[][] w = new double[hidden][classes];
        double[] b = new double[classes];
        for (int i = 0; i < hidden; i++) {
            for (int j = 0; j < classes; j++) {
                w[i][j] = random.nextGaussian();
            }
        }
        for (int j = 0; j < classes; j++) {
            b[j] = random.nextGaussian();
        }
        return new LinearModel(w, b);
    }

    /** The oracle: pooling by hand over the encoder's own last_hidden_state, then x W + b by hand. */
    static double[][] handLogits(OnnxModel encoder, Map<String, long[][]> inputs, Pooling pooling, LinearModel head) {
        FloatTensor hidden = Runs.run(encoder, inputs).get("last_hidden_state");
        long[][] mask = inputs.get("attention_mask");
        int batch = (int) hidden.shape()[0];
        int sequence = (int) hidden.shape()[1];
        int width = (int) hidden.shape()[2];
        double[][] logits = new double[batch][];
        for (int b = 0; b < batch; b++) {
            float[] pooled = new float[width];
            int count = 0;
            for (int s = 0; s < (pooling == Pooling.CLS ? 1 : sequence); s++) {
                if (mask[b][s] == 0) {
                    continue;
                }
                count++;
                for (int w = 0; w < width; w++) {
                    pooled[w] += hidden.data()[(b * sequence + s) * width + w];
                }
            }
            for (int w = 0; w < width; w++) {
                pooled[w] /= count;
            }
            logits[b] = head.apply(pooled);
        }
        return logits;
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void attachTo_logitsEqualPooledHiddenStateTimesWeightsPlusBias(Pooling pooling) {
        OnnxModel encoder = OnnxModel.of(new TinyTransformer().build(), "tiny");
        LinearModel weights = randomHead(8, 3, 5);

        OnnxModel classifier = ClassifierHead.of(weights, pooling, List.of("a", "b", "c")).attachTo(encoder);

        Map<String, long[][]> inputs = TinyTransformer.sampleInputs();
        FloatTensor logits = Runs.run(classifier, inputs).get("logits");
        double[][] expected = handLogits(encoder, inputs, pooling, weights);
        assertThat(logits.shape()).containsExactly(2, 3);
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 3; c++) {
                assertThat((double) logits.data()[b * 3 + c]).as("row %d class %d", b, c)
                        .isCloseTo(expected[b][c], within(1e-4));
            }
        }
        assertThat(classifier.outputNames()).containsExactly("logits");
        assertThat(classifier.metadata()).containsEntry(ClassifierHead.LABELS_KEY, "[\"a\",\"b\",\"c\"]");
        assertThat(ClassifierHead.labels(classifier, 3)).containsExactly("a", "b", "c");
        assertThat(encoder.outputNames()).containsExactly("last_hidden_state");
    }

    @Test
    void attachTo_classifierStillHasItsLayerStack() {
        OnnxModel encoder = OnnxModel.of(new TinyTransformer().build(), "tiny");

        OnnxModel classifier = ClassifierHead.of(randomHead(8, 2, 1), Pooling.MEAN, List.of("n", "p")).attachTo(encoder);

        assertThat(classifier.structure().layerCount()).isEqualTo(4);
        assertThat(classifier.parameterCount()).isEqualTo(encoder.parameterCount() + 8 * 2 + 2 + 1);
    }

    @Test
    void attachTo_rejectsAHeadOfTheWrongWidth() {
        OnnxModel encoder = OnnxModel.of(new TinyTransformer().build(), "tiny");
        ClassifierHead head = ClassifierHead.of(randomHead(5, 2, 1), Pooling.CLS, List.of("n", "p"));

        assertThatThrownBy(() -> head.attachTo(encoder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 features").hasMessageContaining("hidden size 8");
    }

    @Test
    void attachTo_twiceIsRejectedNamingTheOutput() {
        OnnxModel encoder = OnnxModel.of(new TinyTransformer().build(), "tiny");
        ClassifierHead head = ClassifierHead.of(randomHead(8, 2, 1), Pooling.CLS, List.of("n", "p"));

        assertThatThrownBy(() -> head.attachTo(head.attachTo(encoder))).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("last_hidden_state");
    }

    @Test
    void fit_reachesTheLogisticOptimumOnHandPooledEmbeddings() throws IOException {
        Path tokenizer = TinyTokenizer.write(dir);
        OnnxModel encoder = OnnxModel.load(OnnxModel.of(new TinyTransformer().build(), "tiny").save(dir.resolve(
                "tiny.onnx")), tokenizer);
        Dataset train = new Dataset("tiny", "demo", List.of("negative", "positive"), List.of(
                new LabeledText("good film", 1), new LabeledText("great fun plot", 1), new LabeledText("loved it", 1),
                new LabeledText("bad film", 0), new LabeledText("awful dull plot", 0), new LabeledText("hated it", 0),
                new LabeledText("very good book", 1), new LabeledText("not fun", 0)));
        double l2 = 0.5;

        ClassifierHead head = ClassifierHead.fit(encoder, train, HeadOptions.builder().pooling(Pooling.MEAN)
                .penalty(l2).batchSize(3).build(), Progress.none());

        assertLogisticOptimum(encoder, train, head.weights(), l2);
        assertThat(head.trainExamples()).isEqualTo(8);
        assertThat(head.description()).contains("logistic regression").contains("MEAN pooling");
    }

    @Test
    void refit_fitsTheStudentsHeadToTheLogisticOptimumOnItsOwnFeatures() throws IOException {
        Path tokenizer = TinyTokenizer.write(dir);
        OnnxModel encoder = OnnxModel.load(OnnxModel.of(new TinyTransformer().build(), "tiny").save(dir.resolve(
                "tiny.onnx")), tokenizer);
        OnnxModel studentEncoder = io.greenai.core.Compressor.of(encoder).removeLayers(1).build();
        OnnxModel student = ClassifierHead.of(randomHead(8, 2, 9), Pooling.MEAN, List.of("negative", "positive"))
                .attachTo(studentEncoder);
        byte[] before = student.proto().toByteArray();
        Dataset train = tinyReviews();
        double l2 = 0.5;

        OnnxModel refit = ClassifierHead.refit(student, train, HeadOptions.builder().penalty(l2).batchSize(3).build(),
                Progress.none());

        // The oracle pools the student encoder's own last_hidden_state, without the head graph.
        LinearModel fitted = headIn(refit);
        assertLogisticOptimum(studentEncoder, train, fitted, l2);
        Map<String, long[][]> inputs = Map.of("input_ids", new long[][] {TinyTokenizer.ids("great fun plot")},
                "attention_mask", new long[][] {{1, 1, 1}});
        assertThat(Runs.run(refit, inputs).get("logits").data()).containsExactly(toFloats(handLogits(studentEncoder,
                inputs, Pooling.MEAN, fitted)[0]), within(1e-4f));
        assertThat(refit.metadata().get(ClassifierHead.HEAD_KEY)).contains("refit after compression")
                .contains("8 examples");
        assertThat(student.proto().toByteArray()).isEqualTo(before);
    }

    @Test
    void int8_leavesTheHeadInFloatAndRefitFindsTheOptimumOnTheQuantizedFeatures() throws IOException {
        Path tokenizer = TinyTokenizer.write(dir);
        OnnxModel encoder = OnnxModel.load(OnnxModel.of(new TinyTransformer().build(), "tiny").save(dir.resolve(
                "tiny.onnx")), tokenizer);
        LinearModel original = randomHead(8, 2, 11);
        OnnxModel classifier = ClassifierHead.of(original, Pooling.MEAN, List.of("negative", "positive"))
                .attachTo(encoder);

        OnnxModel int8 = io.greenai.core.Compressor.of(classifier).quantize(io.greenai.core.Precision.INT8).build();

        GraphView view = new GraphView(int8.proto().getGraph());
        assertThat(view.nodes()).anyMatch(n -> n.getOpType().equals("DynamicQuantizeMatMul"));
        var weight = WeightMatrix.of(view.initializer("classifier.weight"), false);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 2; j++) {
                assertThat(weight.get(i, j)).isEqualTo((float) original.weights()[i][j]);
            }
        }
        assertThat(ClassifierHead.hasRefittableHead(int8)).isTrue();
        // The oracle: the logistic optimum on the features of the encoder quantized on its own.
        OnnxModel int8Encoder = io.greenai.core.Compressor.of(encoder).quantize(io.greenai.core.Precision.INT8)
                .build();
        Dataset train = tinyReviews();
        // One text per batch: dynamic INT8 scales its activations per batch, as the oracle's single runs do.
        OnnxModel refit = ClassifierHead.refit(int8, train, HeadOptions.builder().penalty(0.5).batchSize(1).build(),
                Progress.none());
        assertLogisticOptimum(int8Encoder, train, headIn(refit), 0.5);
    }

    /** The 8 x 2 head a classifier carries in its {@code classifier.weight} and {@code classifier.bias}. */
    private static LinearModel headIn(OnnxModel classifier) {
        GraphView view = new GraphView(classifier.proto().getGraph());
        var weight = WeightMatrix.of(view.initializer("classifier.weight"), false);
        float[] bias = Tensors.toFloats(view.initializer("classifier.bias"));
        double[][] w = new double[8][2];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 2; j++) {
                w[i][j] = weight.get(i, j);
            }
        }
        return new LinearModel(w, new double[] {bias[0], bias[1]});
    }

    @Test
    void refit_rejectsAModelWhoseOutputIsNoLinearHeadNamingTheOutput() {
        OnnxModel encoder = OnnxModel.of(new TinyTransformer().build(), "tiny");

        assertThat(ClassifierHead.hasRefittableHead(encoder)).isFalse();
        assertThatThrownBy(() -> ClassifierHead.refit(encoder, tinyReviews(), HeadOptions.defaults(), Progress.none()))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("'tiny'")
                .hasMessageContaining("'last_hidden_state'").hasMessageContaining("linear head");
    }

    private static Dataset tinyReviews() {
        return new Dataset("tiny", "demo", List.of("negative", "positive"), List.of(
                new LabeledText("good film", 1), new LabeledText("great fun plot", 1), new LabeledText("loved it", 1),
                new LabeledText("bad film", 0), new LabeledText("awful dull plot", 0), new LabeledText("hated it", 0),
                new LabeledText("very good book", 1), new LabeledText("not fun", 0)));
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /**
     * Asserts that the gradient of the penalised log loss vanishes at the head's class-1 weights, on
     * mean-pooled embeddings the test computes itself from the encoder's last_hidden_state.
     */
    private static void assertLogisticOptimum(OnnxModel encoder, Dataset train, LinearModel head, double l2) {
        double[] gradient = new double[9];
        double[] w = new double[8];
        for (int i = 0; i < 8; i++) {
            w[i] = head.weights()[i][1];
        }
        for (LabeledText example : train.examples()) {
            long[] ids = TinyTokenizer.ids(example.text());
            long[] mask = new long[ids.length];
            java.util.Arrays.fill(mask, 1);
            Map<String, long[][]> inputs = Map.of("input_ids", new long[][] {ids}, "attention_mask", new long[][] {mask});
            float[] pooled = pooled(encoder, inputs);
            double z = head.intercept()[1];
            for (int i = 0; i < 8; i++) {
                z += w[i] * pooled[i];
            }
            double residual = 1 / (1 + Math.exp(-z)) - example.label();
            for (int i = 0; i < 8; i++) {
                gradient[i] += residual * pooled[i];
            }
            gradient[8] += residual;
        }
        for (int i = 0; i < 8; i++) {
            gradient[i] += l2 * w[i];
        }
        assertThat(gradient).containsExactly(new double[9], within(1e-6));
    }

    private static float[] pooled(OnnxModel encoder, Map<String, long[][]> inputs) {
        FloatTensor hidden = Runs.run(encoder, inputs).get("last_hidden_state");
        int sequence = (int) hidden.shape()[1];
        float[] pooled = new float[8];
        for (int s = 0; s < sequence; s++) {
            for (int w = 0; w < 8; w++) {
                pooled[w] += hidden.data()[s * 8 + w] / sequence;
            }
        }
        return pooled;
    }

    @Test
    void textClassifier_rejectsAModelWithoutLogits() {
        OnnxModel encoder = OnnxModel.of(new TinyTransformer().build(), "tiny");

        assertThatThrownBy(() -> TextClassifier.logitsOutput(encoder)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'tiny'").hasMessageContaining("logits");
        assertThat(TextClassifier.softmax(new float[] {0, (float) Math.log(3)})).containsExactly(
                new double[] {0.25, 0.75}, within(1e-6));
    }
}
