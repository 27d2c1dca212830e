package io.greenai.core.data;

import java.util.Objects;

/**
 * One labeled example: a text, or a pair of texts (GLUE's sentence-pair tasks), and its class.
 *
 * @param text the text, or the first text of a pair
 * @param pair the second text of a pair, or null for single-text tasks
 * @param label the class index, from 0
 */
public record LabeledText(String text, String pair, int label) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the label is negative
     */
    public LabeledText {
        Objects.requireNonNull(text, "text");
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0: " + label);
        }
    }

    /**
     * A single-text example.
     *
     * @param text the text
     * @param label the class index
     */
    public LabeledText(String text, int label) {
        this(text, null, label);
    }

    /**
     * Tells whether this example is a pair of texts.
     *
     * @return true if {@link #pair()} is set
     */
    public boolean isPair() {
        return pair != null;
    }
}
