package io.greenai.core.eval;

import java.util.Locale;

/**
 * A classification metric, and the one GLUE reports for each task: Matthews correlation for CoLA,
 * F1 of the positive class for MRPC and QQP, accuracy for the others (SST-2, QNLI, RTE, MNLI, WNLI,
 * IMDb).
 */
public enum Metric {
    /** Share of examples whose predicted class is the true one. */
    ACCURACY("accuracy"),
    /** F1 score of class 1 (GLUE's MRPC and QQP). */
    F1("F1"),
    /** Matthews correlation coefficient, binary (GLUE's CoLA); in [-1, 1]. */
    MATTHEWS("Matthews corr.");

    private final String label;

    Metric(String label) {
        this.label = label;
    }

    /**
     * Returns the name printed in reports.
     *
     * @return e.g. {@code accuracy}
     */
    public String label() {
        return label;
    }

    /**
     * Returns GLUE's metric for a task.
     *
     * @param task the task name, e.g. {@code sst2}, {@code CoLA}, {@code mrpc}
     * @return the metric; accuracy for tasks GLUE does not define otherwise
     */
    public static Metric forTask(String task) {
        String t = task.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return switch (t) {
            case "cola" -> MATTHEWS;
            case "mrpc", "qqp" -> F1;
            default -> ACCURACY;
        };
    }

    /**
     * Computes the metric.
     *
     * @param predicted predicted class per example
     * @param expected true class per example
     * @return the value; 0 where it is undefined (F1 with no positive at all, a constant prediction
     *     for Matthews)
     * @throws IllegalArgumentException if the arrays differ in length or are empty, or F1 or
     *     Matthews is asked of more than two classes
     */
    public double compute(int[] predicted, int[] expected) {
        if (predicted.length != expected.length || predicted.length == 0) {
            throw new IllegalArgumentException("need as many predictions as labels, at least one: "
                    + predicted.length + " and " + expected.length);
        }
        if (this == ACCURACY) {
            int correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == expected[i]) {
                    correct++;
                }
            }
            return (double) correct / predicted.length;
        }
        long tp = 0;
        long tn = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] > 1 || expected[i] > 1) {
                throw new IllegalArgumentException(label + " is defined here for two classes; found class "
                        + Math.max(predicted[i], expected[i]));
            }
            if (predicted[i] == 1) {
                if (expected[i] == 1) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (expected[i] == 1) {
                fn++;
            } else {
                tn++;
            }
        }
        if (this == F1) {
            return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        double denominator = Math.sqrt((double) (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        return denominator == 0 ? 0 : (tp * (double) tn - fp * (double) fn) / denominator;
    }
}
