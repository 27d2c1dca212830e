package io.greenai.onnx;

import io.greenai.core.CompressionPlan;
import io.greenai.onnx.runtime.TextEncoder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Calibration data as model inputs, in batches: tokenized texts, or raw input feeds given as they are. */
final class CalibrationBatches {

    private static final int BATCH = 16;
    /** Calibration sentences are short; longer texts are cut here to bound time and memory. */
    static final int MAX_TOKENS = 128;

    private CalibrationBatches() {
    }

    /**
     * Returns the plan's calibration data as batches of model inputs.
     *
     * @param model the model the data is for (its tokenizer encodes texts)
     * @param plan the plan
     * @param purpose what the data is for, for the error message
     * @return the batches; empty if the plan has no calibration data
     * @throws IllegalStateException if the plan has texts but the model no tokenizer
     */
    static List<Map<String, long[][]>> of(OnnxModel model, CompressionPlan plan, String purpose) {
        if (!plan.calibrationInputs().isEmpty()) {
            return plan.calibrationInputs();
        }
        List<String> texts = plan.calibrationTexts();
        if (texts.isEmpty()) {
            return List.of();
        }
        if (model.tokenizer().isEmpty()) {
            throw new IllegalStateException(purpose + " with calibration texts needs a tokenizer, and model '"
                    + model.name() + "' has none: load it with OnnxModel.load(model, tokenizerJson), or give "
                    + "model inputs with calibrateWithInputs");
        }
        List<Map<String, long[][]>> batches = new ArrayList<>();
        try (TextEncoder encoder = model.newTextEncoder(MAX_TOKENS)) {
            for (int from = 0; from < texts.size(); from += BATCH) {
                batches.add(encoder.encode(texts.subList(from, Math.min(texts.size(), from + BATCH)),
                        new LinkedHashSet<>(model.inputNames())));
            }
        }
        return batches;
    }
}
