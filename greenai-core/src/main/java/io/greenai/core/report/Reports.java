package io.greenai.core.report;

import io.greenai.core.eval.EvaluationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes an {@link EvaluationReport} as {@code report.md}, {@code report.json} and a chart of relative
 * accuracy against relative emission ({@code chart.svg}, {@code chart.png}), and reads
 * {@code report.json} back.
 *
 * <pre>{@code
 * ReportFiles files = Reports.write(report, Path.of("target/greenai-report"));
 * EvaluationReport again = Reports.readJson(files.json());
 * }</pre>
 *
 * <p>The chart is drawn with JFreeChart (PNG) and JFreeSVG (SVG) through AWT; on a server run the
 * JVM headless ({@code -Djava.awt.headless=true}, the default on Linux without a display).
 */
public final class Reports {

    /** Chart width in pixels (PNG) or user units (SVG). */
    public static final int CHART_WIDTH = 800;
    /** Chart height in pixels (PNG) or user units (SVG). */
    public static final int CHART_HEIGHT = 560;

    private Reports() {
    }

    /**
     * Writes all four files into {@code folder}, creating it if needed; each file is written to a
     * temporary file first and renamed, so a reader never sees half a report.
     *
     * @param report the report
     * @param folder the output folder, e.g. {@code target/greenai-report}
     * @return the files written
     * @throws UncheckedIOException if a file cannot be written
     */
    public static ReportFiles write(EvaluationReport report, Path folder) {
        try {
            Files.createDirectories(folder);
            Path md = folder.resolve("report.md");
            Path json = folder.resolve("report.json");
            Path svg = folder.resolve("chart.svg");
            Path png = folder.resolve("chart.png");
            writeAtomically(md, MarkdownReport.render(report, png.getFileName().toString()).getBytes(StandardCharsets.UTF_8));
            writeAtomically(json, JsonReport.render(report).getBytes(StandardCharsets.UTF_8));
            EmissionChart chart = new EmissionChart(report);
            writeAtomically(svg, chart.svg(CHART_WIDTH, CHART_HEIGHT).getBytes(StandardCharsets.UTF_8));
            writeAtomically(png, chart.png(CHART_WIDTH, CHART_HEIGHT));
            return new ReportFiles(md, json, svg, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renders the report as Markdown.
     *
     * @param report the report
     * @return the Markdown text, with a link to {@code chart.png}
     */
    public static String markdown(EvaluationReport report) {
        return MarkdownReport.render(report, "chart.png");
    }

    /**
     * Renders the report as JSON (NaN figures of skipped variants become {@code null}).
     *
     * @param report the report
     * @return the JSON text
     */
    public static String json(EvaluationReport report) {
        return JsonReport.render(report);
    }

    /**
     * Reads a {@code report.json} back.
     *
     * @param file the file
     * @return the report
     * @throws io.greenai.core.GreenAiException if the file is not a report
     * @throws UncheckedIOException if it cannot be read
     */
    public static EvaluationReport readJson(Path file) {
        try {
            return JsonReport.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        // Not Files.createTempFile: that makes the file readable by its owner only.
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
