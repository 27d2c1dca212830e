package io.greenai.onnx;

import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Test helpers: run a model in ONNX Runtime, find the shared test data. */
final class Runs {

    private Runs() {
    }

    static Map<String, FloatTensor> run(OnnxModel model, Map<String, long[][]> inputs) {
        try (InferenceSession session = model.newSession(OrtOptions.builder().intraOpThreads(1).build())) {
            return session.run(inputs);
        }
    }

    /** The folder {@code ../shared} beside the checkout; skips the test visibly when it is absent. */
    static Path shared(String relative) {
        String configured = System.getProperty("greenai.shared.dir");
        Path base = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        Path path = base.resolve(relative).normalize();
        Assumptions.assumeTrue(Files.exists(path), "shared test data not found: " + path);
        return path;
    }
}
