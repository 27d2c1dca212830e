package io.greenai.onnx.runtime;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.greenai.core.BackendException;
import io.greenai.core.ModelFormatException;
import io.greenai.core.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns texts into the int64 inputs of a BERT-style model ({@code input_ids}, {@code attention_mask},
 * {@code token_type_ids}) with a Hugging Face {@code tokenizer.json}, through DJL's tokenizer
 * bindings (offline, native code bundled in the jar). Rows are padded to the longest text of the
 * batch with id 0 and mask 0. Holds native memory: use it in try-with-resources.
 */
public final class TextEncoder implements AutoCloseable {

    /** The default maximum sequence length in tokens, special tokens included. */
    public static final int DEFAULT_MAX_LENGTH = 512;

    private final HuggingFaceTokenizer tokenizer;
    private final Path path;

    private TextEncoder(HuggingFaceTokenizer tokenizer, Path path) {
        this.tokenizer = tokenizer;
        this.path = path;
    }

    /**
     * Loads a tokenizer that truncates to {@code maxLength} tokens.
     *
     * @param tokenizerJson a Hugging Face {@code tokenizer.json}
     * @param maxLength the longest sequence, in tokens, at least 2
     * @return the encoder
     * @throws ModelFormatException if the file is missing or not a tokenizer
     * @throws IllegalArgumentException if {@code maxLength} is below 2
     */
    public static TextEncoder open(Path tokenizerJson, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2: " + maxLength);
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelFormatException("tokenizer file not found: " + tokenizerJson);
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadding(false)
                    .build();
            return new TextEncoder(tokenizer, tokenizerJson);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * Encodes a batch of texts for a model with the given input names.
     *
     * @param texts the texts, at least one
     * @param inputNames the model's input names
     * @return one {@code [batch][sequence]} array per input name
     * @throws UnsupportedModelException if the model has an input this encoder cannot fill
     * @throws BackendException if the tokenizer fails
     */
    public Map<String, long[][]> encode(List<String> texts, Set<String> inputNames) {
        return encode(texts, null, inputNames);
    }

    /**
     * Encodes a batch of texts, or of text pairs (GLUE's sentence-pair tasks: {@code [CLS] a [SEP] b
     * [SEP]}, with token type 1 for the second text).
     *
     * @param texts the texts, or the first texts of the pairs, at least one
     * @param pairs the second texts, one per text (an element may be null for a single text), or null
     *     for no pairs
     * @param inputNames the model's input names
     * @return one {@code [batch][sequence]} array per input name
     * @throws IllegalArgumentException if there is no text, or {@code pairs} has another length
     * @throws UnsupportedModelException if the model has an input this encoder cannot fill
     * @throws BackendException if the tokenizer fails
     */
    public Map<String, long[][]> encode(List<String> texts, List<String> pairs, Set<String> inputNames) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to encode");
        }
        if (pairs != null && pairs.size() != texts.size()) {
            throw new IllegalArgumentException("need one second text per text: " + texts.size() + " texts, "
                    + pairs.size() + " second texts");
        }
        Encoding[] encodings = new Encoding[texts.size()];
        int length = 0;
        try {
            for (int i = 0; i < texts.size(); i++) {
                String pair = pairs == null ? null : pairs.get(i);
                encodings[i] = pair == null ? tokenizer.encode(texts.get(i)) : tokenizer.encode(texts.get(i), pair);
                length = Math.max(length, encodings[i].getIds().length);
            }
        } catch (RuntimeException e) {
            throw new BackendException("tokenizer " + path + " failed: " + e.getMessage(), e);
        }
        Map<String, long[][]> inputs = new LinkedHashMap<>();
        for (String name : inputNames) {
            long[][] rows = new long[texts.size()][length];
            for (int i = 0; i < encodings.length; i++) {
                long[] values = switch (name) {
                    case "input_ids" -> encodings[i].getIds();
                    case "attention_mask", "input_mask" -> encodings[i].getAttentionMask();
                    case "token_type_ids", "segment_ids" -> encodings[i].getTypeIds();
                    default -> throw new UnsupportedModelException("model input '" + name
                            + "' is not a tokenizer output (input_ids, attention_mask, token_type_ids)");
                };
                System.arraycopy(values, 0, rows[i], 0, values.length);
            }
            inputs.put(name, rows);
        }
        return inputs;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
