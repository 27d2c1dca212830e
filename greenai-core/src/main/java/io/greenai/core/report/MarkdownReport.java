package io.greenai.core.report;

import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.VariantResult;
import java.util.Locale;

/** {@code report.md}: a title, what was measured and how, the table, and the chart. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(EvaluationReport report, String chartFile) {
        StringBuilder md = new StringBuilder();
        String method = report.energyMethod();
        md.append("# GreenAI evaluation: ").append(report.model()).append(" on ").append(report.dataset()).append("\n\n");
        md.append(table(report)).append('\n');
        md.append(String.format(Locale.ROOT, "* Data: %d evaluation examples of %s (task `%s`, metric: %s)",
                report.evalExamples(), report.dataset(), report.task(), report.metric().label()));
        if (report.trainExamples() > 0) {
            md.append(String.format(Locale.ROOT, "; classifier head: %s, fit on %d labeled examples, the same head "
                    + "for every variant", report.head(), report.trainExamples()));
        } else {
            md.append("; classifier: ").append(report.head());
        }
        md.append(".\n");
        md.append("* Relative accuracy: the variant's accuracy / the original's. Relative emission: the variant's "
                + "energy per inference / the original's (the carbon intensity cancels out).\n");
        md.append(String.format(Locale.ROOT, "* Energy is **%s** by `%s`; CO2e at %.0f g/kWh. %s%n", method,
                report.energyMeter(), report.carbonIntensity(), report.energyMeasured() ? ""
                        : "An estimate counts this process's CPU time times a power per core; read it as relative."));
        md.append("* Measurement: ").append(report.settings()).append("; machine: ").append(report.machine())
                .append(".\n\n");
        md.append("```\n").append(report.meterExplanation()).append("\n```\n\n");
        md.append("![relative accuracy against relative emission](").append(chartFile).append(")\n");
        return md.toString();
    }

    /** The results table in Markdown. */
    static String table(EvaluationReport report) {
        String method = report.energyMethod();
        StringBuilder md = new StringBuilder();
        boolean extraMetric = report.metric() != io.greenai.core.eval.Metric.ACCURACY;
        md.append("| variant | accuracy | ");
        if (extraMetric) {
            md.append(report.metric().label()).append(" | ");
        }
        md.append("relative accuracy | relative emission (").append(method).append(") | energy mJ/inference (")
                .append(method).append(") | latency ms | size MB | params M | layers | plan |\n");
        md.append("|---|---:|").append(extraMetric ? "---:|" : "")
                .append("---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (VariantResult v : report.variants()) {
            if (!v.ok()) {
                md.append("| ").append(v.name()).append(" | skipped: ").append(v.note().replace("|", "\\|"))
                        .append(" |").append(extraMetric ? " |" : "").append(" | | | | | | | `").append(v.plan())
                        .append("` |\n");
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %.2f%% | ", v.name(), 100 * v.accuracy()));
            if (extraMetric) {
                md.append(String.format(Locale.ROOT, "%.4f | ", v.taskMetric()));
            }
            md.append(String.format(Locale.ROOT, "%.1f%% | %.1f%% | %.1f | %.2f | %.1f | %.2f | %d | `%s` |%n",
                    100 * report.relativeAccuracy(v), 100 * report.relativeEmission(v), 1000 * v.joulesPerInference(),
                    v.latencyMillis(), v.sizeBytes() / 1e6, v.parameters() / 1e6, v.layers(), v.plan()));
        }
        return md.toString();
    }
}
