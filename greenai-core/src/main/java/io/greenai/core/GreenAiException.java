package io.greenai.core;

/**
 * Root of the unchecked exceptions that GreenAI throws for runtime failures: a model it cannot read
 * or understand, or a backend that failed. Programming mistakes (a bad argument, a builder used
 * wrongly) are reported with {@link IllegalArgumentException} and {@link IllegalStateException}
 * instead.
 */
public class GreenAiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names the subject (file, node, tensor or value).
     *
     * @param message what went wrong and where
     */
    public GreenAiException(String message) {
        super(message);
    }

    /**
     * Creates an exception that keeps its cause.
     *
     * @param message what went wrong and where
     * @param cause the underlying failure
     */
    public GreenAiException(String message, Throwable cause) {
        super(message, cause);
    }
}
