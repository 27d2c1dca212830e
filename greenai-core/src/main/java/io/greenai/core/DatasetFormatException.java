package io.greenai.core;

/**
 * A dataset file that cannot be read: missing, in an unknown layout, or with a malformed row. The
 * message names the file and, for a bad row, its line ({@code train.tsv:17: ...}).
 */
public class DatasetFormatException extends GreenAiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with which file and line
     */
    public DatasetFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong with which file and line
     * @param cause the underlying failure
     */
    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
