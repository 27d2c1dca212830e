package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.greenai.core.Precision;
import io.greenai.core.data.DataSplit;
import io.greenai.core.data.Dataset;
import io.greenai.core.data.LabeledText;
import io.greenai.core.energy.CpuPower;
import io.greenai.core.energy.EnergyMeters;
import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.Recipe;
import io.greenai.core.eval.VariantResult;
import io.greenai.core.fit.LinearModel;
import io.greenai.core.report.Reports;
import io.greenai.onnx.eval.ClassifierHead;
import io.greenai.onnx.eval.Evaluation;
import io.greenai.onnx.eval.HeadOptions;
import io.greenai.onnx.eval.Pooling;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {

    private static final List<String> LABELS = List.of("negative", "positive");

    @TempDir
    Path dir;

    private final Dataset eval = new Dataset("tiny eval", "demo", LABELS, List.of(
            new LabeledText("good film", 1), new LabeledText("bad film", 0), new LabeledText("great fun plot", 1),
            new LabeledText("awful dull plot", 0), new LabeledText("loved it", 1), new LabeledText("hated it", 0),
            new LabeledText("the film is not fun", 0), new LabeledText("very good book", 1)));
    private final Dataset train = new Dataset("tiny train", "demo", LABELS, List.of(
            new LabeledText("a good book", 1), new LabeledText("a dull film", 0)));

    private OnnxModel classifier(TinyTransformer encoder, LinearModel head) throws IOException {
        Path tokenizer = TinyTokenizer.write(dir);
        Path file = OnnxModel.of(encoder.build(), "tiny").save(dir.resolve("tiny-" + encoder.layerCount() + ".onnx"));
        return ClassifierHead.of(head, Pooling.CLS, LABELS).attachTo(OnnxModel.load(file, tokenizer));
    }

    private Evaluation evaluation(OnnxModel classifier) {
        return Evaluation.of(classifier, new DataSplit(train, eval)).energyRuns(3).warmupRuns(1)
                .meter(EnergyMeters.cpuEstimate(CpuPower.ofWattsPerCore(10)));
    }

    /** Accuracy by hand: tokenize by hand, run the bare encoder, pool CLS, apply the head, count. */
    private double handAccuracy(TinyTransformer encoder, LinearModel head) {
        OnnxModel bare = OnnxModel.of(encoder.build(), "tiny");
        int correct = 0;
        for (LabeledText example : eval.examples()) {
            long[] ids = TinyTokenizer.ids(example.text());
            long[] mask = new long[ids.length];
            java.util.Arrays.fill(mask, 1);
            double[] logits = ClassifierHeadTest.handLogits(bare, Map.of("input_ids", new long[][] {ids},
                    "attention_mask", new long[][] {mask}), Pooling.CLS, head)[0];
            if ((logits[1] > logits[0] ? 1 : 0) == example.label()) {
                correct++;
            }
        }
        return correct / (double) eval.size();
    }

    @Test
    void run_constantClassifier_scoresTheShareOfItsClass() throws IOException {
        // Zero weights and a bias for "negative": every text is negative, and 4 of the 8 are.
        LinearModel alwaysNegative = new LinearModel(new double[8][2], new double[] {1, 0});

        EvaluationReport report = evaluation(classifier(new TinyTransformer(), alwaysNegative))
                .recipes(List.of(Recipe.original())).run();

        assertThat(report.original().accuracy()).isEqualTo(4.0 / 8);
        assertThat(report.original().agreement()).isEqualTo(1.0);
        assertThat(report.evalExamples()).isEqualTo(8);
    }

    @Test
    void run_knownTinyClassifier_givesTheAccuracyComputedByHand() throws IOException {
        LinearModel head = ClassifierHeadTest.randomHead(8, 2, 11);
        OnnxModel classifier = classifier(new TinyTransformer(), head);
        Recipe<OnnxModel> removeLast = Recipe.of("Remove layer 3", (c, teacher, texts) -> c.removeLayersAt(3));
        List<Recipe<OnnxModel>> recipes = List.of(Recipe.original(), removeLast,
                removeLast.then("Remove layer 3 + INT8", (c, teacher, texts) -> c.quantize(Precision.INT8)));

        EvaluationReport report = evaluation(classifier).recipes(recipes).saveModelsTo(dir.resolve("models")).run();

        double original = handAccuracy(new TinyTransformer(), head);
        // Removing layer 3 of layers 0..3 gives exactly the model built from layers 0, 1, 2.
        double removed = handAccuracy(new TinyTransformer().layers(0, 1, 2), head);
        assertThat(report.variants()).extracting(VariantResult::name).containsExactly("Original", "Remove layer 3",
                "Remove layer 3 + INT8");
        VariantResult removal = report.variants().get(1);
        assertThat(report.original().accuracy()).isEqualTo(original);
        assertThat(removal.accuracy()).isEqualTo(removed);
        assertThat(report.relativeAccuracy(removal)).isCloseTo(removed / original, within(1e-12));
        assertThat(removal.layers()).isEqualTo(3);
        assertThat(removal.parameters()).isEqualTo(report.original().parameters()
                - new TinyTransformer().parametersPerLayer());
        assertThat(removal.plan()).isEqualTo("removeLayersAt=3");
        assertThat(report.original().joulesPerInference()).isNotNegative();
        assertThat(report.original().latencyMillis()).isPositive();
        assertThat(report.energyMeter()).isEqualTo("cpu-estimate");
        assertThat(report.energyMeasured()).isFalse();
        VariantResult quantized = report.variants().get(2);
        assertThat(quantized.status()).isEqualTo(VariantResult.Status.OK);
        assertThat(quantized.plan()).contains("quantize=INT8");
        assertThat(quantized.layers()).isEqualTo(3);
        assertThat(dir.resolve("models/remove-layer-3.onnx")).isRegularFile();

        EvaluationReport parsed = Reports.readJson(Reports.write(report, dir.resolve("report")).json());
        assertThat(parsed.variants()).extracting(VariantResult::name).containsExactly("Original", "Remove layer 3",
                "Remove layer 3 + INT8");
    }

    @Test
    void run_withRefitHeads_scoresEachStudentWithAHeadFitOnItsOwnFeatures() throws IOException {
        LinearModel head = ClassifierHeadTest.randomHead(8, 2, 11);
        OnnxModel classifier = classifier(new TinyTransformer(), head);
        Recipe<OnnxModel> removeLast = Recipe.of("Remove layer 3", (c, teacher, texts) -> c.removeLayersAt(3));
        HeadOptions options = HeadOptions.builder().penalty(0.5).build();

        EvaluationReport report = evaluation(classifier).recipes(List.of(Recipe.original(), removeLast))
                .refitHeads(train, options).run();

        // Oracle: CLS vectors of the 3-layer encoder built by hand, a logistic head fit on them, then counted.
        OnnxModel bare = OnnxModel.of(new TinyTransformer().layers(0, 1, 2).build(), "tiny-3");
        float[][] x = train.examples().stream().map(e -> cls(bare, e.text())).toArray(float[][]::new);
        LinearModel refit = new io.greenai.core.fit.LogisticRegression(0.5).fit(x, train.labels(), 2);
        VariantResult removal = report.variants().get(1);
        assertThat(removal.accuracy()).isEqualTo(handAccuracy(new TinyTransformer().layers(0, 1, 2), refit));
        assertThat(removal.accuracy()).isNotEqualTo(handAccuracy(new TinyTransformer().layers(0, 1, 2), head));
        assertThat(removal.plan()).isEqualTo("removeLayersAt=3, refit head");
        assertThat(report.original().accuracy()).isEqualTo(handAccuracy(new TinyTransformer(), head));
        assertThat(report.settings()).contains("head refit on the 2 labeled examples");
    }

    private static float[] cls(OnnxModel bare, String text) {
        long[] ids = TinyTokenizer.ids(text);
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(mask, 1);
        float[] hidden = Runs.run(bare, Map.of("input_ids", new long[][] {ids}, "attention_mask",
                new long[][] {mask})).get("last_hidden_state").data();
        return java.util.Arrays.copyOf(hidden, 8);
    }

    @Test
    void recipes_rejectAnUnknownBase() throws IOException {
        OnnxModel classifier = classifier(new TinyTransformer(), ClassifierHeadTest.randomHead(8, 2, 1));
        Recipe<OnnxModel> orphan = new Recipe<>("INT8", "Missing", (c, t, x) -> c.quantize(Precision.INT8));

        assertThatThrownBy(() -> evaluation(classifier).recipes(List.of(orphan)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Missing'");
    }

    @Test
    void of_rejectsAnEncoderWithoutAHead() {
        OnnxModel encoder = OnnxModel.of(new TinyTransformer().build(), "tiny");

        assertThatThrownBy(() -> Evaluation.of(encoder, new DataSplit(train, eval)))
                .isInstanceOf(io.greenai.core.UnsupportedModelException.class).hasMessageContaining("logits");
    }
}
