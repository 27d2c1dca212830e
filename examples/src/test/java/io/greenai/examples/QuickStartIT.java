package io.greenai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenai.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuickStartIT {

    @Test
    void run_removesSixLayersAndReportsBothModels() throws Exception {
        QuickStart.Report report = QuickStart.run(Path.of("target"), 6, List.of());

        assertThat(report.rows()).hasSize(2);
        assertThat(report.rows().get(0).layers()).isEqualTo(12);
        assertThat(report.rows().get(1).layers()).isEqualTo(6);
        // Six of twelve layers of 1.77 M parameters each (hand count for hidden 384, FFN 1536) go.
        assertThat(report.rows().get(0).parameters() - report.rows().get(1).parameters())
                .isEqualTo(6L * (4 * (384 * 384 + 384) + 384 * 1536 + 1536 + 1536 * 384 + 384 + 4 * 384));
        assertThat(OnnxModel.load(report.saved()).structure().layerCount()).isEqualTo(6);
        assertThat(Files.size(report.saved())).isEqualTo(report.rows().get(1).fileBytes());
        assertThat(report.rows().get(1).cosineToOriginal()).isBetween(0.0, 1.0);
        assertThat(QuickStart.format(report)).contains("removeLayers=6").contains("latency ms");
    }
}
