package io.greenai.core.report;

import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.VariantResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's chart: one point per measured variant, relative emission (x, %) against relative
 * accuracy (y, %), the original at (100%, 100%). Skipped variants are left out and listed below.
 */
final class EmissionChart {

    private static final Color[] COLORS = {new Color(0x33, 0x33, 0x33), new Color(0x1f, 0x77, 0xb4),
        new Color(0x2c, 0xa0, 0x2c), new Color(0xff, 0x7f, 0x0e), new Color(0x94, 0x67, 0xbd),
        new Color(0xd6, 0x27, 0x28), new Color(0x8c, 0x56, 0x4b), new Color(0x17, 0xbe, 0xcf)};

    private final JFreeChart chart;

    EmissionChart(EvaluationReport report) {
        XYSeriesCollection data = new XYSeriesCollection();
        double maxX = 100;
        double minY = 100;
        double maxY = 100;
        StringBuilder skipped = new StringBuilder();
        for (VariantResult v : report.variants()) {
            if (!v.ok()) {
                skipped.append(skipped.length() == 0 ? "not shown (skipped): " : ", ").append(v.name());
                continue;
            }
            double x = 100 * report.relativeEmission(v);
            double y = 100 * report.relativeAccuracy(v);
            XYSeries series = new XYSeries(String.format(java.util.Locale.ROOT, "%s (%.1f%%, %.1f%%)", v.name(), y, x),
                    false, true);
            series.add(x, y);
            data.addSeries(series);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        String method = report.energyMethod();
        NumberAxis xAxis = new NumberAxis("relative emission, % of the original (energy per inference, " + method
                + " by " + report.energyMeter() + ")");
        xAxis.setRange(0, Math.ceil((maxX + 10) / 10) * 10);
        NumberAxis yAxis = new NumberAxis("relative accuracy, % of the original");
        yAxis.setRange(Math.floor(Math.min(minY - 2, 90)), Math.ceil(maxY + 2));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
            renderer.setSeriesShape(i, new Ellipse2D.Double(-6, -6, 12, 12));
        }
        renderer.setDefaultItemLabelGenerator((dataset, series, item) -> {
            String key = dataset.getSeriesKey(series).toString();
            return key.substring(0, key.lastIndexOf(" ("));
        });
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        BasicStroke dashed = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f},
                0f);
        plot.addRangeMarker(new ValueMarker(100, Color.GRAY, dashed));
        plot.addDomainMarker(new ValueMarker(100, Color.GRAY, dashed));
        chart = new JFreeChart("Relative accuracy vs relative emission", new Font(Font.SANS_SERIF, Font.BOLD, 16), plot,
                true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(report.model() + " on " + report.dataset() + " (" + report.evalExamples()
                + " examples)", new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        if (skipped.length() > 0) {
            chart.addSubtitle(new TextTitle(skipped.toString(), new Font(Font.SANS_SERIF, Font.ITALIC, 11)));
        }
    }

    byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, width, height);
        return out.toByteArray();
    }

    String svg(int width, int height) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        chart.draw(g2, new Rectangle(0, 0, width, height));
        // The bare element, without the DOCTYPE that getSVGDocument() adds: XML readers would fetch its DTD.
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g2.getSVGElement() + "\n";
    }
}
