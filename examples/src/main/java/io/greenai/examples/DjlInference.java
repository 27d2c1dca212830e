package io.greenai.examples;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.ZooModel;
import io.greenai.core.Compressor;
import io.greenai.core.data.DataSplit;
import io.greenai.core.data.Datasets;
import io.greenai.core.data.LabeledText;
import io.greenai.onnx.MavenModel;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.djl.DjlModels;
import io.greenai.onnx.djl.TextClassificationTranslator;
import io.greenai.onnx.eval.ClassifierHead;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Serves a compressed classifier through DJL: fits a sentiment head on bge-small-en-v1.5 with the
 * demo reviews, removes 6 of its 12 layers (chosen on the training texts), saves the ONNX file,
 * loads it with DJL's {@code Criteria} on the OnnxRuntime engine and classifies a few reviews.
 *
 * <p>Run: {@code mvn -B -q -pl examples -am -DskipTests package exec:java
 * -Dexec.mainClass=io.greenai.examples.DjlInference}.
 */
public final class DjlInference {

    private DjlInference() {
    }

    /**
     * One classified review.
     *
     * @param text the review
     * @param expected its true label
     * @param predicted the class DJL gave
     * @param probability the probability of that class
     */
    public record Prediction(String text, String expected, String predicted, double probability) {
    }

    /**
     * Runs the example and prints each prediction.
     *
     * @param args ignored
     * @throws Exception if DJL cannot load or run the model
     */
    public static void main(String[] args) throws Exception {
        for (Prediction p : run(Path.of("target"), 8)) {
            System.out.printf(Locale.ROOT, "%-9s %.3f (true: %-8s) %s%n", p.predicted(), p.probability(), p.expected(),
                    p.text());
        }
    }

    /**
     * Builds the compressed classifier and classifies reviews through DJL.
     *
     * @param out folder for the extracted and the compressed model
     * @param reviews how many evaluation reviews to classify
     * @return the predictions
     * @throws Exception if DJL cannot load or run the model
     */
    public static List<Prediction> run(Path out, int reviews) throws Exception {
        DataSplit demo = Datasets.demo();
        OnnxModel bge = MavenModel.BGE_SMALL_EN_V15.load(out.resolve("greenai-models"));
        OnnxModel classifier = ClassifierHead.fit(bge, demo.train()).attachTo(bge);
        OnnxModel smaller = Compressor.of(classifier).calibrateWith(demo.train().texts()).removeLayers(6).build();
        Path file = smaller.save(out.resolve("bge-sentiment-6-layers.onnx"));

        List<String> labels = ClassifierHead.labels(smaller, 2);
        List<Prediction> predictions = new ArrayList<>();
        try (TextClassificationTranslator translator = new TextClassificationTranslator(
                bge.tokenizer().orElseThrow(), labels, 256);
                ZooModel<String, Classifications> model = DjlModels.classifier(file, translator).loadModel();
                Predictor<String, Classifications> predictor = model.newPredictor()) {
            for (LabeledText review : demo.eval().examples().subList(0, reviews)) {
                Classifications.Classification best = predictor.predict(review.text()).best();
                predictions.add(new Prediction(review.text(), labels.get(review.label()), best.getClassName(),
                        best.getProbability()));
            }
        }
        return predictions;
    }
}
