package io.greenai.onnx.eval;

import io.greenai.core.data.LabeledText;
import io.greenai.core.eval.Progress;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.TextEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs a model over many texts in batches of similar length (less padding), and returns one row of
 * a rank-2 output per text, in the texts' order.
 */
final class Batches {

    private Batches() {
    }

    static float[][] rows(InferenceSession session, TextEncoder encoder, List<LabeledText> examples, String output,
            int batchSize, Progress.Step step) {
        Integer[] order = IntStream.range(0, examples.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> length(examples.get(i))));
        float[][] rows = new float[examples.size()][];
        LinkedHashSet<String> inputs = new LinkedHashSet<>(session.inputNames());
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<String> texts = new ArrayList<>();
            List<String> pairs = new ArrayList<>();
            boolean anyPair = false;
            for (int k = from; k < to; k++) {
                LabeledText example = examples.get(order[k]);
                texts.add(example.text());
                pairs.add(example.pair());
                anyPair |= example.isPair();
            }
            FloatTensor result = session.run(encoder.encode(texts, anyPair ? pairs : null, inputs)).get(output);
            if (result == null || result.shape().length != 2) {
                throw new IllegalStateException("output '" + output + "' is missing or not [batch, width]: " + result);
            }
            int width = (int) result.shape()[1];
            for (int k = from; k < to; k++) {
                float[] row = new float[width];
                System.arraycopy(result.data(), (k - from) * width, row, 0, width);
                rows[order[k]] = row;
            }
            step.advance(to - from);
        }
        return rows;
    }

    private static int length(LabeledText example) {
        return example.text().length() + (example.isPair() ? example.pair().length() : 0);
    }
}
