/**
 * Evaluation reports as files: {@link io.greenai.core.report.Reports} writes {@code report.md},
 * {@code report.json} and the chart of relative accuracy against relative emission
 * ({@code chart.svg} with JFreeSVG, {@code chart.png} with JFreeChart), and reads
 * {@code report.json} back.
 */
package io.greenai.core.report;
