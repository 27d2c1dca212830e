package io.greenai.core;

/**
 * A well-formed model whose architecture GreenAI cannot understand or cannot compress safely, for
 * example a graph with no transformer layer stack. The message names what was missing and the node
 * or tensor where the search stopped. GreenAI throws this rather than emit a model that would load
 * but compute something else.
 */
public class UnsupportedModelException extends GreenAiException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was missing and where
     */
    public UnsupportedModelException(String message) {
        super(message);
    }
}
