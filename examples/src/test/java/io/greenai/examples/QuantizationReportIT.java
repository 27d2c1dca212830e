package io.greenai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class QuantizationReportIT {

    @Test
    void run_comparesGreenAiInt8WithOnnxRuntimesOwn() {
        Path sst2 = Path.of(System.getProperty("greenai.shared.dir", "../../shared"), "data", "sst2");
        Assumptions.assumeTrue(Files.isRegularFile(sst2.resolve("dev.tsv")), "SST-2 not found under " + sst2);
        QuantizationReport.Settings settings = new QuantizationReport.Settings(32, 2, false, sst2.resolve("dev.tsv"),
                sst2.resolve("train.tsv"), Path.of("target"));

        QuantizationReport.Report report = QuantizationReport.run(settings);

        List<QuantizationReport.Row> rows = report.rows();
        assertThat(rows).extracting(QuantizationReport.Row::variant).containsExactly("FP32 (original)",
                "INT8 by ONNX Runtime (-q jar)", "INT8 by GreenAI", "INT8-static (QDQ) by GreenAI");
        QuantizationReport.Row reference = rows.get(1);
        QuantizationReport.Row ours = rows.get(2);
        assertThat(ours.cosine()).isGreaterThanOrEqualTo(0.99).isGreaterThanOrEqualTo(reference.cosine());
        assertThat(ours.fileBytes()).isLessThanOrEqualTo(reference.fileBytes());
        assertThat(ours.comparedWith()).isEqualTo(reference.variant());
        assertThat(ours.batch1Ratio()).isPositive().isFinite();
        assertThat(ours.batch16Ratio()).isPositive().isFinite();
        assertThat(Path.of("target", "quantized", "all-minilm-l6-v2-int8.onnx")).exists();
        assertThat(QuantizationReport.format(report)).contains("INT8 by GreenAI").contains("b16 ratio")
                .contains("32 SST-2 dev sentences");
    }
}
