package io.greenai.core;

/**
 * A model file that cannot be read: missing, not in the expected format, truncated or
 * internally inconsistent. The message names the file and, where known, the tensor or node.
 */
public class ModelFormatException extends GreenAiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with which file
     */
    public ModelFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong with which file
     * @param cause the underlying failure
     */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
