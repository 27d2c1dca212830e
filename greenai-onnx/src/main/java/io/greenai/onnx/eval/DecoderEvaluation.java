package io.greenai.onnx.eval;

import io.greenai.core.eval.DecoderQuality;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a compressed decoder with its teacher on token sequences: runs both in ONNX Runtime from an
 * empty key/value cache ({@link InferenceSession#runDecoder}) and reports their
 * {@link DecoderQuality} (next-token agreement, perplexity ratio).
 *
 * <pre>{@code
 * DecoderQuality quality = DecoderEvaluation.compare(teacher, student, sequences, OrtOptions.defaults());
 * }</pre>
 */
public final class DecoderEvaluation {

    private DecoderEvaluation() {
    }

    /**
     * Runs teacher and student on each sequence (one at a time, so lengths may differ) and compares
     * their next-token predictions with the sequences' actual next tokens.
     *
     * @param teacher the reference model, usually the uncompressed one
     * @param student the compressed model
     * @param sequences token ids, each at least two tokens, from the models' tokenizer
     * @param options session options for both models
     * @return the quality
     * @throws IllegalArgumentException if there are no sequences, a sequence is shorter than two tokens,
     *     or a model has no 3-D float output to read logits from
     * @throws io.greenai.core.BackendException if ONNX Runtime fails
     */
    public static DecoderQuality compare(OnnxModel teacher, OnnxModel student, List<long[]> sequences,
            OrtOptions options) {
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(student, "student");
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("compare needs at least one token sequence");
        }
        DecoderQuality.Accumulator quality = DecoderQuality.accumulator();
        try (InferenceSession teacherSession = teacher.newSession(options);
                InferenceSession studentSession = student.newSession(options)) {
            for (long[] tokens : sequences) {
                float[][] teacherLogits = logits(teacherSession.runDecoder(new long[][] {tokens}), teacher.name());
                float[][] studentLogits = logits(studentSession.runDecoder(new long[][] {tokens}), student.name());
                quality.add(tokens, teacherLogits, studentLogits);
            }
        }
        return quality.result();
    }

    /** The {@code logits} output, or the only 3-D float output, of a one-sequence run, as [position][vocab]. */
    private static float[][] logits(Map<String, FloatTensor> outputs, String model) {
        FloatTensor logits = outputs.get("logits");
        if (logits == null) {
            List<FloatTensor> candidates = outputs.values().stream().filter(t -> t.shape().length == 3).toList();
            if (candidates.size() != 1) {
                throw new IllegalArgumentException("model '" + model + "' has no 'logits' output and "
                        + candidates.size() + " 3-D float outputs; cannot tell which holds the logits");
            }
            logits = candidates.get(0);
        }
        if (logits.shape().length != 3 || logits.shape()[0] != 1) {
            throw new IllegalArgumentException("model '" + model + "' returned logits of shape "
                    + java.util.Arrays.toString(logits.shape()) + "; expected [1, positions, vocabulary]");
        }
        int positions = (int) logits.shape()[1];
        int vocabulary = (int) logits.shape()[2];
        float[][] rows = new float[positions][];
        for (int t = 0; t < positions; t++) {
            rows[t] = java.util.Arrays.copyOfRange(logits.data(), t * vocabulary, (t + 1) * vocabulary);
        }
        return rows;
    }
}
