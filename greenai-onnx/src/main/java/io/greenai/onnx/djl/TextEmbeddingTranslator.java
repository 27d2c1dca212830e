package io.greenai.onnx.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.greenai.onnx.eval.Pooling;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A DJL {@link Translator} for ONNX text encoders: tokenizes a text with DJL's Hugging Face
 * tokenizer and pools the {@code last_hidden_state} output into one sentence vector (CLS or mean
 * over the real tokens), optionally scaled to unit length. Holds the native tokenizer: close it when
 * done with the model.
 */
public final class TextEmbeddingTranslator implements Translator<String, float[]>, AutoCloseable {

    private final DjlInputs inputs;
    private final Pooling pooling;
    private final boolean normalize;

    /**
     * Creates the translator.
     *
     * @param tokenizerJson the model's Hugging Face {@code tokenizer.json}
     * @param pooling CLS or MEAN ({@link Pooling#defaultFor} gives the model's own)
     * @param normalize whether to scale each vector to unit length
     * @param maxTokens texts are cut to this many tokens
     * @throws io.greenai.core.ModelFormatException if the tokenizer cannot be loaded
     */
    public TextEmbeddingTranslator(Path tokenizerJson, Pooling pooling, boolean normalize, int maxTokens) {
        this.pooling = Objects.requireNonNull(pooling, "pooling");
        this.normalize = normalize;
        this.inputs = new DjlInputs(tokenizerJson, maxTokens);
    }

    @Override
    public void prepare(TranslatorContext ctx) {
        inputs.prepare(ctx);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String input) {
        return inputs.encode(ctx, input);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        NDArray hidden = list.contains("last_hidden_state") ? list.get("last_hidden_state") : list.get(0);
        long[] shape = hidden.getShape().getShape();
        if (shape.length != 3) {
            throw new IllegalStateException("expected token vectors [1, tokens, width], got " + hidden.getShape());
        }
        int tokens = (int) shape[1];
        int width = (int) shape[2];
        float[] values = hidden.toFloatArray();
        float[] vector = new float[width];
        if (pooling == Pooling.CLS) {
            System.arraycopy(values, 0, vector, 0, width);
        } else {
            long[] mask = (long[]) ctx.getAttachment("attention_mask");
            int count = 0;
            for (int t = 0; t < tokens; t++) {
                if (mask == null || mask[t] != 0) {
                    count++;
                    for (int w = 0; w < width; w++) {
                        vector[w] += values[t * width + w];
                    }
                }
            }
            for (int w = 0; w < width; w++) {
                vector[w] /= Math.max(1, count);
            }
        }
        if (normalize) {
            double norm = 0;
            for (float v : vector) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int w = 0; w < width && norm > 0; w++) {
                vector[w] /= (float) norm;
            }
        }
        return vector;
    }

    /** No batchifier: each text is one {@code [1, tokens]} input. */
    @Override
    public Batchifier getBatchifier() {
        return null;
    }

    @Override
    public void close() {
        inputs.close();
    }
}
