package io.greenai.onnx.eval;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.greenai.core.UnsupportedModelException;
import io.greenai.core.data.Dataset;
import io.greenai.core.eval.Progress;
import io.greenai.core.fit.LinearModel;
import io.greenai.core.fit.LogisticRegression;
import io.greenai.core.fit.RidgeRegression;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.Projection;
import io.greenai.onnx.graph.TransformerDiscovery;
import io.greenai.onnx.graph.WeightMatrix;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A linear classifier head on an encoder's pooled sentence vector, and the writer that puts it into
 * the ONNX graph, so that the encoder becomes one ONNX classifier with the output {@code logits}
 * {@code [batch, classes]}.
 *
 * <pre>{@code
 * OnnxModel encoder = MavenModel.BGE_SMALL_EN_V15.load(folder);
 * ClassifierHead head = ClassifierHead.fit(encoder, data.train(), HeadOptions.defaults(), Progress.none());
 * OnnxModel classifier = head.attachTo(encoder);      // input_ids, attention_mask, ... -> logits
 * }</pre>
 *
 * <p>The head is fit on the encoder's pooled vectors of labeled texts: logistic regression (Newton's
 * method) or ridge regression on +1/-1 targets, both with EJML. The classifier records the head in
 * its metadata: {@code greenai.head} (how it was made), {@code greenai.head.labels} (the class names,
 * a JSON array) and {@code greenai.head.train_examples}.
 */
public final class ClassifierHead {

    /** Metadata key: how the head was made. */
    public static final String HEAD_KEY = "greenai.head";
    /** Metadata key: the class names, as a JSON array. */
    public static final String LABELS_KEY = "greenai.head.labels";
    /** Metadata key: how many labeled examples the head was fit on. */
    public static final String TRAIN_EXAMPLES_KEY = "greenai.head.train_examples";

    private final LinearModel weights;
    private final Pooling pooling;
    private final List<String> labels;
    private final String method;
    private final int trainExamples;

    private ClassifierHead(LinearModel weights, Pooling pooling, List<String> labels, String method,
            int trainExamples) {
        this.weights = weights;
        this.pooling = pooling;
        this.labels = List.copyOf(labels);
        this.method = method;
        this.trainExamples = trainExamples;
    }

    /**
     * A head with given weights (e.g. fit elsewhere).
     *
     * @param weights {@code [hidden][classes]} and the intercepts
     * @param pooling how the sentence vector is taken
     * @param labels the class names, one per output
     * @return the head
     * @throws IllegalArgumentException if there are fewer than two classes or the label count differs
     *     from the outputs
     */
    public static ClassifierHead of(LinearModel weights, Pooling pooling, List<String> labels) {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(pooling, "pooling");
        if (labels.size() < 2 || labels.size() != weights.outputs()) {
            throw new IllegalArgumentException("need one class name per output (at least 2): " + labels.size()
                    + " names for " + weights.outputs() + " outputs");
        }
        return new ClassifierHead(weights, pooling, labels, "given weights", 0);
    }

    /**
     * Fits a head with the default options.
     *
     * @param encoder an encoder with a tokenizer
     * @param train labeled texts
     * @return the head
     * @throws IllegalStateException if the encoder has no tokenizer
     */
    public static ClassifierHead fit(OnnxModel encoder, Dataset train) {
        return fit(encoder, train, HeadOptions.defaults(), Progress.none());
    }

    /**
     * Fits a head on the encoder's pooled vectors of the training texts.
     *
     * @param encoder an encoder with a tokenizer, ending in token vectors ({@code last_hidden_state})
     * @param train labeled texts (or pairs)
     * @param options pooling, solver, penalty, tokens and batch size
     * @param progress reports the embedding of the texts
     * @return the head
     * @throws IllegalStateException if the encoder has no tokenizer
     * @throws io.greenai.core.UnsupportedModelException if the encoder has no token-vector output
     */
    public static ClassifierHead fit(OnnxModel encoder, Dataset train, HeadOptions options, Progress progress) {
        Pooling pooling = options.pooling() != null ? options.pooling() : Pooling.defaultFor(encoder.name());
        float[][] x = embed(encoder, train, pooling, options, progress);
        Solved solved = solve(x, train.labels(), train.labelNames().size(), options);
        return new ClassifierHead(solved.model(), pooling, train.labelNames(), solved.method(), train.size());
    }

    /**
     * Fits the linear head that ends a classifier again, on the classifier's own features: the input
     * of the final projection ({@code MatMul} or {@code Gemm} with constant weights and bias) that
     * produces its only output. Use it on a compressed student, so that its head fits the features the
     * compression left, as the teacher's head was fit on the teacher's features. Only the head's
     * weights and bias change; the rest of the graph and the input model are unchanged.
     *
     * @param classifier a classifier ending in a float linear head, e.g. one made by {@link #attachTo}
     *     and then compressed; INT8 and INT4 leave such a head in float, so a quantized classifier can be
     *     refit too
     * @param train labeled texts, the same the original head was fit on
     * @param options solver and penalty (pooling is already in the graph and is ignored), tokens and
     *     batch size
     * @param progress reports the embedding of the texts
     * @return the classifier with the new head; its metadata says the head was refit
     * @throws io.greenai.core.UnsupportedModelException if the classifier has not exactly one output,
     *     or its output is not produced by a float projection with a bias
     * @throws IllegalArgumentException if the classifier's output width differs from the class count
     * @throws IllegalStateException if the classifier has no tokenizer
     */
    public static OnnxModel refit(OnnxModel classifier, Dataset train, HeadOptions options, Progress progress) {
        Projection head = headOf(classifier);
        int classes = train.labelNames().size();
        if (head.outFeatures() != classes) {
            throw new IllegalArgumentException("model '" + classifier.name() + "' has " + head.outFeatures()
                    + " outputs in its head '" + head.node() + "', but the data has " + classes + " classes");
        }
        OnnxModel features = classifier.edited(editor -> {
            editor.replaceOutputs(List.of(head.input()));
            editor.removeDeadCode();
        });
        float[][] x;
        try (InferenceSession session = features.newSession(OrtOptions.defaults());
                TextEncoder textEncoder = classifier.newTextEncoder(options.maxTokens());
                Progress.Step step = progress.start("refit head: embed " + train.size() + " texts ("
                        + classifier.name() + ")", train.size())) {
            x = Batches.rows(session, textEncoder, train.examples(), head.input(), options.batchSize(), step);
        }
        Solved solved = solve(x, train.labels(), classes, options);
        String was = classifier.metadata().getOrDefault(HEAD_KEY, "a linear head");
        return classifier.edited(editor -> {
            double[][] weights = solved.model().weights();
            editor.replaceInitializer(WeightMatrix.fromInOut(head.weight(), weights, head.transposed()));
            editor.replaceInitializer(WeightMatrix.vector(head.bias(), solved.model().intercept()));
            editor.putMetadata(HEAD_KEY, was + "; refit after compression by " + solved.method() + " on "
                    + train.size() + " examples");
            editor.putMetadata(TRAIN_EXAMPLES_KEY, String.valueOf(train.size()));
        });
    }

    /**
     * Tells whether a classifier ends in a float linear head that {@link #refit} can fit again.
     *
     * @param classifier any model
     * @return true when its only output comes from a {@code MatMul}/{@code Gemm} with constant float
     *     weights and a bias
     */
    public static boolean hasRefittableHead(OnnxModel classifier) {
        try {
            headOf(classifier);
            return true;
        } catch (UnsupportedModelException e) {
            return false;
        }
    }

    private static Projection headOf(OnnxModel classifier) {
        if (classifier.outputNames().size() != 1) {
            throw new UnsupportedModelException("model '" + classifier.name() + "' has " + classifier.outputNames().size()
                    + " outputs " + classifier.outputNames() + "; a classifier to refit has one, its logits");
        }
        String output = classifier.outputNames().get(0);
        GraphView view = new GraphView(classifier.proto().getGraph());
        Projection head = TransformerDiscovery.projectionProducing(view, output);
        if (head == null || head.bias() == null || head.offset() != 0 || view.initializer(head.weight()) == null
                || view.initializer(head.weight()).getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            var producer = view.producer(output);
            throw new UnsupportedModelException("model '" + classifier.name() + "': output '" + output
                    + "' is not produced by a float linear head with a bias (it comes from "
                    + (producer == null ? "no node" : GraphView.describe(producer)) + ")");
        }
        return head;
    }

    /** A fit head and how it was made. */
    private record Solved(LinearModel model, String method) {
    }

    private static Solved solve(float[][] x, int[] y, int classes, HeadOptions options) {
        LinearModel model;
        String method;
        double penalty = options.effectivePenalty();
        if (options.solver() == HeadOptions.Solver.LOGISTIC) {
            model = new LogisticRegression(penalty).fit(x, y, classes);
            method = String.format(Locale.ROOT, "logistic regression (l2 %.3g)", penalty);
        } else {
            RidgeRegression ridge = new RidgeRegression(x[0].length, classes, penalty);
            float[] target = new float[classes];
            for (int i = 0; i < x.length; i++) {
                java.util.Arrays.fill(target, -1f);
                target[y[i]] = 1f;
                ridge.add(x[i], target);
            }
            RidgeRegression.Solution solution = ridge.solve();
            model = new LinearModel(solution.weights(), solution.intercept());
            method = String.format(Locale.ROOT, "ridge regression on +1/-1 targets (relative penalty %.3g)", penalty);
        }
        return new Solved(model, method);
    }

    /**
     * Computes the encoder's pooled sentence vectors, through the same pooling nodes the classifier
     * gets.
     *
     * @param encoder an encoder with a tokenizer
     * @param data the texts
     * @param pooling CLS or MEAN
     * @param options tokens and batch size
     * @param progress reports the texts done
     * @return one vector per example, in order
     */
    public static float[][] embed(OnnxModel encoder, Dataset data, Pooling pooling, HeadOptions options,
            Progress progress) {
        OnnxModel pooled = HeadGraph.pooled(encoder, pooling);
        try (InferenceSession session = pooled.newSession(OrtOptions.defaults());
                TextEncoder textEncoder = encoder.newTextEncoder(options.maxTokens());
                Progress.Step step = progress.start("embed " + data.size() + " texts (" + encoder.name() + ")",
                        data.size())) {
            return Batches.rows(session, textEncoder, data.examples(), HeadGraph.POOLED, options.batchSize(), step);
        }
    }

    /**
     * Writes this head into a copy of the encoder's graph: pooling, {@code MatMul} with the weights,
     * {@code Add} of the intercepts, output {@code logits}. Every other output is dropped.
     *
     * @param encoder the encoder the head was fit on, or one compressed from it
     * @return the classifier; the encoder is unchanged
     * @throws io.greenai.core.UnsupportedModelException if the encoder has no token-vector output, or
     *     already a tensor named {@code logits}
     * @throws IllegalArgumentException if the encoder's width differs from the head's
     */
    public OnnxModel attachTo(OnnxModel encoder) {
        int hidden = encoder.structure().hiddenSize();
        if (hidden != weights.features()) {
            throw new IllegalArgumentException("head takes " + weights.features() + " features, but model '"
                    + encoder.name() + "' has hidden size " + hidden);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(HEAD_KEY, description());
        JsonArray names = new JsonArray();
        labels.forEach(names::add);
        metadata.put(LABELS_KEY, names.toString());
        metadata.put(TRAIN_EXAMPLES_KEY, String.valueOf(trainExamples));
        return HeadGraph.classifier(encoder, pooling, weights, metadata);
    }

    /**
     * Reads the class names a classifier carries in its metadata.
     *
     * @param classifier a model made by {@link #attachTo}, or any classifier
     * @param classes the number of outputs, used when the metadata has no names
     * @return the names; {@code 0}, {@code 1}, ... when the model has none
     */
    public static List<String> labels(OnnxModel classifier, int classes) {
        String json = classifier.metadata().get(LABELS_KEY);
        List<String> names = new ArrayList<>();
        if (json != null) {
            JsonParser.parseString(json).getAsJsonArray().forEach(e -> names.add(e.getAsString()));
            return names;
        }
        for (int i = 0; i < classes; i++) {
            names.add(String.valueOf(i));
        }
        return names;
    }

    /**
     * Returns the weights.
     *
     * @return {@code [hidden][classes]} weights and intercepts
     */
    public LinearModel weights() {
        return weights;
    }

    /**
     * Returns the pooling.
     *
     * @return CLS or MEAN
     */
    public Pooling pooling() {
        return pooling;
    }

    /**
     * Returns the class names.
     *
     * @return one name per output
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * Returns how many labeled examples the head was fit on.
     *
     * @return the count; 0 for given weights
     */
    public int trainExamples() {
        return trainExamples;
    }

    /**
     * Says how the head was made.
     *
     * @return e.g. {@code logistic regression (l2 1) on CLS pooling, 2 classes}
     */
    public String description() {
        return method + " on " + pooling + " pooling, " + labels.size() + " classes";
    }

    @Override
    public String toString() {
        return "ClassifierHead[" + description() + ", " + trainExamples + " examples]";
    }
}
