package io.greenai.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.VariantResult;
import io.greenai.core.report.Reports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QuickStartIT {

    @Test
    void run_smallDemoConfiguration_reportsEveryRecipe() {
        QuickStart.Options options = new QuickStart.Options(null, Path.of("target", "quickstart-it"), 6, 0.5, 3, 0.7,
                60, 40, 48, 20, 1);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        QuickStart.Result result = QuickStart.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));

        EvaluationReport report = result.report();
        assertThat(report.variants()).extracting(VariantResult::name).containsExactly("Original", "Layer Removal",
                "Layer Removal + INT8", "Matrix Pruning", "Combination", "Combination + INT8");
        assertThat(report.model()).isEqualTo("bge-small-en-v1.5");
        assertThat(report.evalExamples()).isEqualTo(40);
        assertThat(report.trainExamples()).isEqualTo(60);
        assertThat(report.original().accuracy()).isGreaterThan(0.8);
        assertThat(report.original().layers()).isEqualTo(12);
        VariantResult removal = report.variant("Layer Removal").orElseThrow();
        assertThat(removal.layers()).isEqualTo(6);
        assertThat(removal.plan()).contains("removeLayersAt=1;3;5;6;8;10").contains("distill").endsWith("refit head");
        // INT8 leaves the classifier head in float, so the INT8 variant's head is refit on its own features.
        assertThat(report.variant("Layer Removal + INT8").orElseThrow().plan()).endsWith("quantize=INT8, refit head");
        assertThat(report.settings()).contains("1 intra-op threads").contains("head refit on the 60 labeled examples");
        VariantResult combination = report.variant("Combination").orElseThrow();
        assertThat(combination.layers()).isEqualTo(9);
        assertThat(combination.plan()).contains("prune=0.7");
        assertThat(combination.parameters()).isLessThan(removal.parameters());
        assertThat(report.relativeEmission(combination)).isPositive();
        for (VariantResult v : report.variants()) {
            if (!v.ok()) {
                assertThat(v.name()).endsWith("INT8");
                assertThat(v.note()).contains("quantize");
            }
        }
        assertThat(Reports.readJson(result.files().json()).variants()).hasSize(6);
        assertThat(result.files().png()).isRegularFile();
        assertThat(result.files().svg()).isRegularFile();
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("evaluate: Combination").contains("100%");
        assertThat(QuickStart.summary(result)).contains("ESTIMATED").contains("Layer Removal").contains("report.md");
    }

    @Test
    void parse_readsArgumentsAndResolvesDataFromTheParentFolder() {
        QuickStart.Options options = QuickStart.Options.parse("--data", "shared/x", "--remove", "4", "--prune", "0.25",
                "--threads", "2", "--combination-remove", "5", "--combination-prune", "0.6");

        assertThat(options.removeLayers()).isEqualTo(4);
        assertThat(options.pruneRatio()).isEqualTo(0.25);
        assertThat(options.data()).isEqualTo(Path.of("shared/x"));
        assertThat(options.threads()).isEqualTo(2);
        assertThat(options.combinationLayers()).isEqualTo(5);
        assertThat(options.combinationRatio()).isEqualTo(0.6);
        assertThat(options.trainExamples()).isEqualTo(QuickStart.Options.defaults().trainExamples());
        // Run through Maven the working folder is examples/: "src" exists there, "examples/src" only one up.
        assertThat(QuickStart.resolve(Path.of("examples", "src"))).isEqualTo(Path.of("..", "examples", "src").normalize());
        assertThat(QuickStart.resolve(Path.of("src"))).isEqualTo(Path.of("src"));
    }

    @Test
    void parse_trainAllTakesTheWholeTrainingPart() {
        assertThat(QuickStart.Options.parse("--train", "all").trainExamples()).isEqualTo(Integer.MAX_VALUE);
        assertThat(QuickStart.Options.parse("--train", "250").trainExamples()).isEqualTo(250);
    }

    @Test
    void parse_badNumberNamesTheArgumentAndTheValue() {
        assertThatThrownBy(() -> QuickStart.Options.parse("--remove", "six"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--remove")
                .hasMessageContaining("'six'");
        assertThatThrownBy(() -> QuickStart.Options.parse("--prune", "half"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--prune")
                .hasMessageContaining("'half'");
    }
}
