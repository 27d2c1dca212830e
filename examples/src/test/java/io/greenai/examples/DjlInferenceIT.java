package io.greenai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DjlInferenceIT {

    @Test
    void run_classifiesReviewsThroughDjl() throws Exception {
        List<DjlInference.Prediction> predictions = DjlInference.run(Path.of("target"), 10);

        assertThat(predictions).hasSize(10);
        assertThat(predictions).allSatisfy(p -> {
            assertThat(p.predicted()).isIn("negative", "positive");
            assertThat(p.probability()).isBetween(0.5, 1.0);
        });
        // Six of twelve layers removed without distillation still gets most of the easy demo reviews right.
        assertThat(predictions.stream().filter(p -> p.predicted().equals(p.expected())).count()).isGreaterThanOrEqualTo(6);
        assertThat(Path.of("target", "bge-sentiment-6-layers.onnx")).isRegularFile();
    }
}
