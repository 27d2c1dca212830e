package io.greenai.onnx.eval;

import java.util.Locale;

/** How a sentence vector is taken from an encoder's token vectors. */
public enum Pooling {
    /** The vector of the first token ({@code [CLS]}); what bge models are trained for. */
    CLS,
    /** The mean of the real tokens' vectors (attention mask 1); what sentence-transformers and e5 use. */
    MEAN;

    /**
     * Returns the pooling a model was trained with, from its name: CLS for bge, mean for the others
     * (all-MiniLM, e5 and other sentence-transformers models).
     *
     * @param modelName e.g. {@code bge-small-en-v1.5}
     * @return the pooling
     */
    public static Pooling defaultFor(String modelName) {
        return modelName.toLowerCase(Locale.ROOT).contains("bge") ? CLS : MEAN;
    }
}
