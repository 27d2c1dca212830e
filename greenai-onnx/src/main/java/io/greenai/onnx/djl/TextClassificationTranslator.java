package io.greenai.onnx.djl;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.greenai.onnx.eval.TextClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A DJL {@link Translator} for ONNX text classifiers: tokenizes a text with DJL's Hugging Face
 * tokenizer, feeds the model's inputs by name, and turns the {@code logits} output into
 * {@link Classifications} (class names and softmax probabilities). Works with a model from
 * {@link io.greenai.onnx.eval.ClassifierHead#attachTo} and with exported sequence-classification
 * models. Holds the native tokenizer: close it when done with the model.
 *
 * <pre>{@code
 * try (TextClassificationTranslator translator = new TextClassificationTranslator(tokenizerJson, labels, 256);
 *         ZooModel<String, Classifications> model = DjlModels.classifier(onnxFile, translator).loadModel();
 *         Predictor<String, Classifications> predictor = model.newPredictor()) {
 *     Classifications result = predictor.predict("A warm, funny film.");
 * }
 * }</pre>
 */
public final class TextClassificationTranslator implements Translator<String, Classifications>, AutoCloseable {

    private final DjlInputs inputs;
    private final List<String> labels;

    /**
     * Creates the translator.
     *
     * @param tokenizerJson the model's Hugging Face {@code tokenizer.json}
     * @param labels the class names, one per logit
     * @param maxTokens texts are cut to this many tokens (special tokens included)
     * @throws io.greenai.core.ModelFormatException if the tokenizer cannot be loaded
     * @throws IllegalArgumentException if there are fewer than two labels or {@code maxTokens} is below 2
     */
    public TextClassificationTranslator(Path tokenizerJson, List<String> labels, int maxTokens) {
        if (labels.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least two labels: " + labels);
        }
        this.labels = List.copyOf(labels);
        this.inputs = new DjlInputs(tokenizerJson, maxTokens);
    }

    @Override
    public void prepare(TranslatorContext ctx) {
        inputs.prepare(ctx);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
        return inputs.encode(ctx, input);
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        NDArray logits = list.contains("logits") ? list.get("logits") : list.get(0);
        float[] scores = logits.toFloatArray();
        if (scores.length != labels.size()) {
            throw new IllegalStateException("the model gives " + scores.length + " scores for " + labels.size()
                    + " labels " + labels);
        }
        List<Double> probabilities = new ArrayList<>();
        for (double p : TextClassifier.softmax(scores)) {
            probabilities.add(p);
        }
        return new Classifications(labels, probabilities);
    }

    /** No batchifier: each text is one {@code [1, tokens]} input. */
    @Override
    public Batchifier getBatchifier() {
        return null;
    }

    @Override
    public void close() {
        inputs.close();
    }
}
