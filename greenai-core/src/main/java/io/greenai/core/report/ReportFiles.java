package io.greenai.core.report;

import java.nio.file.Path;

/**
 * The files a report was written to.
 *
 * @param markdown {@code report.md}: the table, the settings and the chart
 * @param json {@code report.json}: every figure, for machines
 * @param svg {@code chart.svg}: relative accuracy against relative emission
 * @param png {@code chart.png}: the same chart as an image
 */
public record ReportFiles(Path markdown, Path json, Path svg, Path png) {
}
