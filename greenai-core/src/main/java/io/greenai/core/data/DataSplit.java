package io.greenai.core.data;

import java.util.Objects;

/**
 * A training part (to fit a classifier head and calibrate compression) and an evaluation part.
 *
 * @param train the labeled training examples
 * @param eval the held-out examples that accuracy is measured on
 */
public record DataSplit(Dataset train, Dataset eval) {

    /**
     * Checks that both parts have the same classes.
     *
     * @throws IllegalArgumentException if the class names differ
     */
    public DataSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(eval, "eval");
        if (!train.labelNames().equals(eval.labelNames())) {
            throw new IllegalArgumentException("train and eval have different classes: " + train.labelNames()
                    + " and " + eval.labelNames());
        }
    }
}
