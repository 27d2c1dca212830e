package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.greenai.core.Compressor;
import io.greenai.core.eval.DecoderQuality;
import io.greenai.onnx.eval.DecoderEvaluation;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecoderEvaluationTest {

    private static final List<long[]> SEQUENCES = List.of(new long[] {1, 450, 4996, 17354, 1701, 29916},
            new long[] {1, 15043, 3186}, new long[] {2, 7, 31999, 12, 12, 900, 3});

    private static OnnxModel llama() {
        return OnnxModel.load(Runs.shared("models/tiny-llama-fp16/model.onnx"));
    }

    @Test
    void compare_modelWithItselfAgreesEverywhere() {
        OnnxModel model = llama();

        DecoderQuality quality = DecoderEvaluation.compare(model, model, SEQUENCES, OrtOptions.defaults());

        assertThat(quality.positions()).isEqualTo(5 + 2 + 6);
        assertThat(quality.nextTokenAgreement()).isEqualTo(1.0);
        assertThat(quality.perplexityRatio()).isEqualTo(1.0);
    }

    @Test
    void compare_matchesAgreementAndPerplexityComputedFromRawLogits() throws Exception {
        OnnxModel teacher = llama();
        OnnxModel student = Compressor.of(teacher).removeLayersAt(1).build();

        DecoderQuality quality = DecoderEvaluation.compare(teacher, student, SEQUENCES, OrtOptions.defaults());

        // Oracle: logits from sessions fed by hand (empty fp16 caches), scored here in double precision.
        long agree = 0;
        long positions = 0;
        double teacherLoss = 0;
        double studentLoss = 0;
        for (long[] tokens : SEQUENCES) {
            float[] t = prefillLogits(teacher, tokens);
            float[] s = prefillLogits(student, tokens);
            int vocabulary = t.length / tokens.length;
            for (int p = 0; p + 1 < tokens.length; p++) {
                agree += argmax(t, p, vocabulary) == argmax(s, p, vocabulary) ? 1 : 0;
                teacherLoss += logSumExp(t, p, vocabulary) - t[p * vocabulary + (int) tokens[p + 1]];
                studentLoss += logSumExp(s, p, vocabulary) - s[p * vocabulary + (int) tokens[p + 1]];
                positions++;
            }
        }
        assertThat(quality.positions()).isEqualTo(positions);
        assertThat(quality.nextTokenAgreement()).isEqualTo((double) agree / positions);
        assertThat(quality.teacherPerplexity()).isCloseTo(Math.exp(teacherLoss / positions), within(1e-6));
        assertThat(quality.studentPerplexity()).isCloseTo(Math.exp(studentLoss / positions), within(1e-6));
        assertThat(quality.perplexityRatio()).isNotEqualTo(1.0);
    }

    @Test
    void runDecoder_feedsInt32InputsAndEmptyFloatCaches() {
        OnnxModel gpt2 = OnnxModel.load(Runs.shared("models/tiny-gpt2-fused.onnx"));
        Map<String, FloatTensor> reference = new DecoderFeeds(2, 4, 0, 1000).run(gpt2);

        try (InferenceSession session = gpt2.newSession(OrtOptions.defaults())) {
            Map<String, FloatTensor> outputs = session.runDecoder(new long[][] {{5, 6, 7, 8}, {9, 10, 11, 12}});

            assertThat(outputs.get("logits").shape()).isEqualTo(reference.get("logits").shape());
            assertThat(outputs.get("present_4").shape()).containsExactly(2, 2, 4, 4, 8);
        }
    }

    /** Runs a llama graph on one sequence with every input built here. */
    private static float[] prefillLogits(OnnxModel model, long[] tokens) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        long[] positions = new long[tokens.length];
        long[] mask = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            positions[i] = i;
            mask[i] = 1;
        }
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try (OrtSession session = environment.createSession(model.proto().toByteArray(), new OrtSession.SessionOptions())) {
            long[] shape = {1, tokens.length};
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(tokens), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            inputs.put("position_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(positions), shape));
            for (String name : session.getInputNames()) {
                if (name.startsWith("past_key_values")) {
                    inputs.put(name, OnnxTensor.createTensor(environment, ByteBuffer.allocateDirect(0)
                            .order(ByteOrder.nativeOrder()).asShortBuffer(), new long[] {1, 1, 0, 16}, OnnxJavaType.FLOAT16));
                }
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer logits = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
                float[] values = new float[logits.remaining()];
                logits.get(values);
                return values;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static int argmax(float[] logits, int position, int vocabulary) {
        int best = 0;
        for (int i = 1; i < vocabulary; i++) {
            if (logits[position * vocabulary + i] > logits[position * vocabulary + best]) {
                best = i;
            }
        }
        return best;
    }

    private static double logSumExp(float[] logits, int position, int vocabulary) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocabulary; i++) {
            max = Math.max(max, logits[position * vocabulary + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocabulary; i++) {
            sum += Math.exp(logits[position * vocabulary + i] - max);
        }
        return max + Math.log(sum);
    }
}
