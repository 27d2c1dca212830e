package io.greenai.onnx.eval;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.greenai.core.UnsupportedModelException;
import io.greenai.core.data.LabeledText;
import io.greenai.core.eval.Progress;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Classifies texts with an ONNX classifier: a model made by {@link ClassifierHead#attachTo}, or an
 * exported sequence-classification model whose output is {@code logits} {@code [batch, classes]}.
 * Holds an ONNX Runtime session and a tokenizer: use it in try-with-resources.
 *
 * <pre>{@code
 * try (TextClassifier classifier = TextClassifier.open(model, OrtOptions.defaults(), 256)) {
 *     double[] p = classifier.probabilities(List.of(new LabeledText("A fine film.", 0)))[0];
 * }
 * }</pre>
 */
public final class TextClassifier implements AutoCloseable {

    private final OnnxModel model;
    private final InferenceSession session;
    private final TextEncoder encoder;
    private final String output;
    private final List<String> labels;

    private TextClassifier(OnnxModel model, InferenceSession session, TextEncoder encoder, String output,
            List<String> labels) {
        this.model = model;
        this.session = session;
        this.encoder = encoder;
        this.output = output;
        this.labels = labels;
    }

    /**
     * Opens a session and a tokenizer on a classifier.
     *
     * @param model a classifier with a tokenizer
     * @param options ONNX Runtime options
     * @param maxTokens texts are cut to this many tokens
     * @return the classifier; close it
     * @throws UnsupportedModelException if the model has no {@code logits} output (nor a single
     *     rank-2 float output)
     * @throws IllegalStateException if the model has no tokenizer
     */
    public static TextClassifier open(OnnxModel model, OrtOptions options, int maxTokens) {
        String output = logitsOutput(model);
        int classes = classes(model, output);
        TextEncoder encoder = model.newTextEncoder(maxTokens);
        try {
            InferenceSession session = model.newSession(options);
            return new TextClassifier(model, session, encoder, output, ClassifierHead.labels(model, classes));
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /**
     * Finds a classifier's scores output: {@code logits}, or its only rank-2 float output.
     *
     * @param model the model
     * @return the output's name
     * @throws UnsupportedModelException if there is none
     */
    public static String logitsOutput(OnnxModel model) {
        if (model.outputNames().contains(HeadGraph.LOGITS)) {
            return HeadGraph.LOGITS;
        }
        List<String> rank2 = model.proto().getGraph().getOutputList().stream()
                .filter(o -> o.getType().getTensorType().getShape().getDimCount() == 2).map(ValueInfoProto::getName)
                .toList();
        if (rank2.size() == 1) {
            return rank2.get(0);
        }
        throw new UnsupportedModelException("model '" + model.name() + "' is not a classifier: it has no 'logits' "
                + "output (outputs: " + model.outputNames() + "); fit a head with ClassifierHead.fit and attachTo");
    }

    private static int classes(OnnxModel model, String output) {
        for (ValueInfoProto info : model.proto().getGraph().getOutputList()) {
            if (info.getName().equals(output) && info.getType().getTensorType().getShape().getDimCount() == 2
                    && info.getType().getTensorType().getShape().getDim(1).hasDimValue()) {
                return (int) info.getType().getTensorType().getShape().getDim(1).getDimValue();
            }
        }
        String json = model.metadata().get(ClassifierHead.LABELS_KEY);
        return json == null ? 2 : com.google.gson.JsonParser.parseString(json).getAsJsonArray().size();
    }

    /**
     * Returns the class names.
     *
     * @return from the model's metadata, or {@code 0}, {@code 1}, ...
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * Returns the model's scores for each example.
     *
     * @param examples texts or text pairs (their labels are not used)
     * @param batchSize examples per run
     * @param step advanced by one per example
     * @return {@code [examples][classes]} logits, in order
     */
    public float[][] logits(List<LabeledText> examples, int batchSize, Progress.Step step) {
        return Batches.rows(session, encoder, examples, output, batchSize, step);
    }

    /**
     * Returns the class probabilities of each example (softmax of the logits).
     *
     * @param examples texts or text pairs
     * @return {@code [examples][classes]} probabilities
     */
    public double[][] probabilities(List<LabeledText> examples) {
        float[][] logits = logits(examples, 32, Progress.none().start("", 1));
        double[][] probabilities = new double[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] = softmax(logits[i]);
        }
        return probabilities;
    }

    /**
     * Encodes one example as the model's inputs, batch 1 (for timing single inferences).
     *
     * @param example a text or text pair
     * @return the inputs
     */
    public Map<String, long[][]> encode(LabeledText example) {
        return encoder.encode(List.of(example.text()), example.isPair() ? java.util.Arrays.asList(example.pair())
                : null, new LinkedHashSet<>(session.inputNames()));
    }

    /**
     * Runs the model once on encoded inputs.
     *
     * @param inputs from {@link #encode}
     * @return the logits, {@code [batch][classes]} flattened row by row
     */
    public float[] run(Map<String, long[][]> inputs) {
        return session.run(inputs).get(output).data();
    }

    /**
     * Returns the model.
     *
     * @return the classifier model
     */
    public OnnxModel model() {
        return model;
    }

    /**
     * Turns scores into probabilities.
     *
     * @param logits one score per class
     * @return {@code exp(l_i) / sum_j exp(l_j)}, computed stably
     */
    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * Returns the index of the largest score.
     *
     * @param scores one per class
     * @return the predicted class
     */
    public static int argmax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            encoder.close();
        }
    }
}
