package io.greenai.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.Metric;
import io.greenai.core.eval.VariantResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ReportsTest {

    @TempDir
    Path dir;

    static EvaluationReport report() {
        return new EvaluationReport("tiny", "demo (eval)", "demo", Metric.ACCURACY, 10, 20, "logistic on CLS", "fake",
                false, "energy meter: fake (estimated)", 475, "test machine", "batch 1", List.of(
                        new VariantResult("Original", "original", VariantResult.Status.OK, "", 0.9, 0.9, 1.0, 4.0,
                                0.2, 1e-5, 1000, 100, 4, 0),
                        new VariantResult("Layer Removal", "removeLayers=2", VariantResult.Status.OK, "", 0.8, 0.8,
                                0.85, 2.0, 0.05, 2.5e-6, 600, 60, 2, 1.5),
                        VariantResult.skipped("Layer Removal + INT8", "Layer Removal + quantize=INT8",
                                "quantize is not implemented yet")));
    }

    @Test
    void relativeFigures_areRatiosToTheOriginal() {
        EvaluationReport report = report();
        VariantResult removal = report.variants().get(1);

        assertThat(report.relativeAccuracy(removal)).isCloseTo(0.8 / 0.9, within(1e-12));
        assertThat(report.relativeEmission(removal)).isCloseTo(0.25, within(1e-12));
        assertThat(report.relativeEmission(report.variants().get(2))).isNaN();
        assertThat(report.energyMethod()).isEqualTo("estimated");
    }

    @Test
    void write_jsonParsesBackAndListsEveryVariant() throws IOException {
        ReportFiles files = Reports.write(report(), dir);

        JsonObject root = JsonParser.parseString(Files.readString(files.json())).getAsJsonObject();
        JsonArray variants = root.getAsJsonArray("variants");
        assertThat(variants).hasSize(3);
        assertThat(variants.asList()).extracting(v -> v.getAsJsonObject().get("name").getAsString())
                .containsExactly("Original", "Layer Removal", "Layer Removal + INT8");
        JsonObject removal = variants.get(1).getAsJsonObject();
        assertThat(removal.get("relativeEmission").getAsDouble()).isCloseTo(0.25, within(1e-12));
        assertThat(removal.get("relativeAccuracy").getAsDouble()).isCloseTo(0.8 / 0.9, within(1e-12));
        JsonObject skipped = variants.get(2).getAsJsonObject();
        assertThat(skipped.get("status").getAsString()).isEqualTo("SKIPPED");
        assertThat(skipped.get("accuracy").isJsonNull()).isTrue();
        assertThat(root.getAsJsonObject("energy").get("method").getAsString()).isEqualTo("estimated");
        assertThat(root.getAsJsonObject("energy").get("meter").getAsString()).isEqualTo("fake");

        EvaluationReport again = Reports.readJson(files.json());
        assertThat(again.variants()).extracting(VariantResult::name).containsExactly("Original", "Layer Removal",
                "Layer Removal + INT8");
        assertThat(again.variants().get(1)).isEqualTo(report().variants().get(1));
    }

    @Test
    void write_pngIsAValidImage() throws IOException {
        ReportFiles files = Reports.write(report(), dir);

        byte[] bytes = Files.readAllBytes(files.png());
        assertThat(Arrays.copyOf(bytes, 8)).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
        BufferedImage image = ImageIO.read(files.png().toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(Reports.CHART_WIDTH);
        assertThat(image.getHeight()).isEqualTo(Reports.CHART_HEIGHT);
    }

    @Test
    void write_svgIsXmlWithAnSvgRootAndNamesTheVariants() throws Exception {
        ReportFiles files = Reports.write(report(), dir);

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document svg = factory.newDocumentBuilder().parse(files.svg().toFile());
        assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(Files.readString(files.svg())).contains("Layer Removal").contains("Original")
                .contains("estimated by fake");
    }

    @Test
    void markdown_hasOneRowPerVariantAndLabelsEnergyEstimated() throws IOException {
        ReportFiles files = Reports.write(report(), dir);

        String md = Files.readString(files.markdown());
        assertThat(md).contains("| Original | 90.00% | 100.0% | 100.0% |")
                .contains("| Layer Removal | 80.00% | 88.9% | 25.0% | 50.0 |")
                .contains("| Layer Removal + INT8 | skipped: quantize is not implemented yet")
                .contains("relative emission (estimated)").contains("**estimated** by `fake`").contains("chart.png");
    }
}
