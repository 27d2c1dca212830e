package io.greenai.core;

/**
 * An inference backend (ONNX Runtime, a tokenizer library) failed. The original exception is kept
 * as the cause.
 */
public class BackendException extends GreenAiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the backend was asked to do
     * @param cause the backend's own exception
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
