package io.greenai.onnx;

import io.greenai.onnx.quant.ActivationRange;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the range of activation tensors on calibration texts, for static INT8: the float model
 * runs in ONNX Runtime with the tensors exposed as extra outputs, and each tensor's range is the
 * lowest and highest value over all real (unpadded) tokens.
 */
final class ActivationCalibration {

    private static final Logger LOG = LoggerFactory.getLogger(ActivationCalibration.class);
    private static final int BATCH = 16;
    /** Calibration sentences are short; longer texts are cut here to bound time and memory. */
    private static final int MAX_TOKENS = 128;

    private ActivationCalibration() {
    }

    static Map<String, ActivationRange> ranges(OnnxModel model, List<String> tensors, List<String> texts) {
        if (model.tokenizer().isEmpty()) {
            throw new IllegalStateException("static INT8 calibrates on texts and needs a tokenizer, and model '"
                    + model.name() + "' has none: load it with OnnxModel.load(model, tokenizerJson)");
        }
        long start = System.nanoTime();
        Map<String, ActivationRange> ranges = new LinkedHashMap<>();
        OnnxModel probe = model.exposeTensors(tensors);
        try (InferenceSession session = probe.newSession(OrtOptions.defaults());
                TextEncoder encoder = probe.newTextEncoder(MAX_TOKENS)) {
            for (int from = 0; from < texts.size(); from += BATCH) {
                List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
                Map<String, long[][]> inputs = encoder.encode(batch, session.inputNames());
                Map<String, FloatTensor> outputs = session.run(inputs);
                long[][] mask = inputs.get("attention_mask");
                for (String tensor : tensors) {
                    ActivationRange range = range(outputs.get(tensor), mask);
                    ranges.merge(tensor, range, ActivationRange::union);
                }
            }
        }
        LOG.info("{}: activation ranges of {} tensors on {} calibration texts in {} ms", model.name(), tensors.size(),
                texts.size(), (System.nanoTime() - start) / 1_000_000);
        return ranges;
    }

    /** The range over real tokens: rows of a [batch, sequence, ...] tensor whose mask is 1. */
    private static ActivationRange range(FloatTensor tensor, long[][] mask) {
        float min = 0;
        float max = 0;
        float[] data = tensor.data();
        long[] shape = tensor.shape();
        boolean tokens = mask != null && shape.length >= 2 && shape[0] == mask.length
                && mask.length > 0 && shape[1] == mask[0].length;
        int perToken = tokens ? (int) (data.length / (shape[0] * shape[1])) : data.length;
        for (int offset = 0, token = 0; offset < data.length; offset += perToken, token++) {
            if (tokens && mask[token / mask[0].length][token % mask[0].length] == 0) {
                continue;
            }
            for (int i = offset; i < offset + perToken; i++) {
                min = Math.min(min, data[i]);
                max = Math.max(max, data[i]);
            }
        }
        return new ActivationRange(min, max);
    }
}
