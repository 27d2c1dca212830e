package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.ZooModel;
import io.greenai.core.data.DataSplit;
import io.greenai.core.data.Datasets;
import io.greenai.core.data.LabeledText;
import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.Metric;
import io.greenai.core.eval.Progress;
import io.greenai.core.eval.Recipe;
import io.greenai.onnx.djl.DjlModels;
import io.greenai.onnx.djl.TextClassificationTranslator;
import io.greenai.onnx.djl.TextEmbeddingTranslator;
import io.greenai.onnx.eval.ClassifierHead;
import io.greenai.onnx.eval.Evaluation;
import io.greenai.onnx.eval.HeadOptions;
import io.greenai.onnx.eval.Pooling;
import io.greenai.onnx.eval.TextClassifier;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classifier heads, evaluation and DJL inference on bge-small-en-v1.5 and the built-in demo reviews. */
class ClassifierIT {

    private static final Path MODELS = Path.of("target", "greenai-models");

    private static OnnxModel bge;
    private static DataSplit demo;
    private static ClassifierHead head;
    private static OnnxModel classifier;

    @TempDir
    Path temp;

    @BeforeAll
    static void fitHead() {
        bge = MavenModel.BGE_SMALL_EN_V15.load(MODELS);
        demo = Datasets.demo();
        head = ClassifierHead.fit(bge, demo.train(), HeadOptions.defaults(), Progress.none());
        classifier = head.attachTo(bge);
    }

    @Test
    void bgeWithHead_classifiesTheDemoReviews() {
        try (TextClassifier runner = TextClassifier.open(classifier, OrtOptions.defaults(), 128)) {
            float[][] logits = runner.logits(demo.eval().examples(), 32, Progress.none().start("", 1));
            int[] predicted = new int[logits.length];
            for (int i = 0; i < logits.length; i++) {
                predicted[i] = TextClassifier.argmax(logits[i]);
            }
            assertThat(Metric.ACCURACY.compute(predicted, demo.eval().labels())).isGreaterThan(0.9);
            assertThat(runner.labels()).containsExactly("negative", "positive");
        }
        assertThat(head.pooling()).isEqualTo(Pooling.CLS);
    }

    @Test
    void djlClassifier_givesTheSameProbabilitiesAsTheOnnxRuntimeSession() throws Exception {
        Path file = classifier.save(temp.resolve("bge-classifier.onnx"));
        List<LabeledText> examples = demo.eval().examples().subList(0, 12);
        double[][] expected;
        try (TextClassifier runner = TextClassifier.open(classifier, OrtOptions.defaults(), 128)) {
            expected = runner.probabilities(examples);
        }

        try (TextClassificationTranslator translator = new TextClassificationTranslator(bge.tokenizer().orElseThrow(),
                ClassifierHead.labels(classifier, 2), 128);
                ZooModel<String, Classifications> model = DjlModels.classifier(file, translator).loadModel();
                Predictor<String, Classifications> predictor = model.newPredictor()) {
            for (int i = 0; i < examples.size(); i++) {
                Classifications result = predictor.predict(examples.get(i).text());
                assertThat(result.get("negative").getProbability()).as(examples.get(i).text())
                        .isCloseTo(expected[i][0], within(1e-5));
                assertThat(result.get("positive").getProbability()).isCloseTo(expected[i][1], within(1e-5));
                assertThat(result.best().getClassName()).isEqualTo(expected[i][1] > 0.5 ? "positive" : "negative");
            }
        }
    }

    @Test
    void djlEmbeddings_equalTheClsVectorOfLastHiddenState() throws Exception {
        Path file = bge.save(temp.resolve("bge.onnx"));
        String text = "A beautifully shot documentary about the people who keep the lights on.";
        Map<String, long[][]> inputs;
        try (TextEncoder encoder = bge.newTextEncoder(128)) {
            inputs = encoder.encode(List.of(text), new LinkedHashSet<>(bge.inputNames()));
        }
        FloatTensor hidden = Runs.run(bge, inputs).get("last_hidden_state");

        try (TextEmbeddingTranslator translator = new TextEmbeddingTranslator(bge.tokenizer().orElseThrow(),
                Pooling.CLS, false, 128);
                ZooModel<String, float[]> model = DjlModels.embeddings(file, translator).loadModel();
                Predictor<String, float[]> predictor = model.newPredictor()) {
            float[] vector = predictor.predict(text);
            assertThat(vector).hasSize(384);
            for (int w = 0; w < 384; w++) {
                assertThat(vector[w]).isCloseTo(hidden.data()[w], within(1e-4f));
            }
        }
    }

    @Test
    void textEncoder_pairsGetTheSecondSegmentType() {
        try (TextEncoder encoder = bge.newTextEncoder(128)) {
            Map<String, long[][]> inputs = encoder.encode(List.of("A cat sat."), List.of("An animal sat."),
                    new LinkedHashSet<>(bge.inputNames()));
            long[] ids = inputs.get("input_ids")[0];
            long[] types = inputs.get("token_type_ids")[0];
            // [CLS] a cat sat . [SEP] an animal sat . [SEP]: BERT's ids 101 and 102.
            assertThat(ids).startsWith(101).endsWith(102);
            assertThat(java.util.Arrays.stream(ids).filter(id -> id == 102).count()).isEqualTo(2);
            assertThat(types).startsWith(0, 0).endsWith(1, 1);
        }
    }

    @Test
    void evaluation_acceptsAnExportedSequenceClassifierAsItIs() {
        // tiny-distilbert-sst2 ends in its own head (output logits) and uses BERT's uncased vocabulary,
        // which bge-small-en-v1.5's tokenizer shares.
        OnnxModel exported = OnnxModel.load(Runs.shared("models/tiny-distilbert-sst2.onnx"),
                bge.tokenizer().orElseThrow());
        DataSplit small = new DataSplit(demo.train(), demo.eval().first(20));

        EvaluationReport report = Evaluation.of(exported, small).recipes(List.of(Recipe.original(),
                Recipe.of("Remove one layer", (c, teacher, texts) -> c.removeLayers(1)))).energyRuns(20).warmupRuns(2)
                .run();

        assertThat(report.head()).isEqualTo("the model's own classifier head");
        assertThat(report.trainExamples()).isZero();
        assertThat(report.original().layers()).isEqualTo(2);
        assertThat(report.variants().get(1).layers()).isEqualTo(1);
        assertThat(report.original().accuracy()).isBetween(0.0, 1.0);
    }
}
