package io.greenai.onnx.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.PairList;
import io.greenai.core.ModelFormatException;
import io.greenai.core.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Tokenizes one text into the named int64 inputs of a BERT-style model, in the model's input order. */
final class DjlInputs implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private volatile List<String> inputNames;

    DjlInputs(Path tokenizerJson, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be >= 2: " + maxTokens);
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelFormatException("tokenizer file not found: " + tokenizerJson);
        }
        try {
            tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optAddSpecialTokens(true)
                    .optTruncation(true).optMaxLength(maxTokens).optPadding(false).build();
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Reads the model's input names once, from the engine's description of the model. */
    void prepare(TranslatorContext ctx) {
        PairList<String, ai.djl.ndarray.types.Shape> described = ctx.getModel().describeInput();
        if (described == null || described.isEmpty()) {
            inputNames = List.of("input_ids", "attention_mask");
        } else {
            inputNames = List.copyOf(described.keys());
        }
    }

    /** The inputs for one text, {@code [1, tokens]} each; the attention mask is kept as an attachment. */
    NDList encode(TranslatorContext ctx, String text) {
        Encoding encoding = tokenizer.encode(text);
        NDManager manager = ctx.getNDManager();
        NDList list = new NDList();
        List<String> names = inputNames != null ? inputNames : List.of("input_ids", "attention_mask");
        for (String name : names) {
            long[] values = switch (name) {
                case "input_ids" -> encoding.getIds();
                case "attention_mask", "input_mask" -> encoding.getAttentionMask();
                case "token_type_ids", "segment_ids" -> encoding.getTypeIds();
                default -> throw new UnsupportedModelException("model input '" + name
                        + "' is not a tokenizer output (input_ids, attention_mask, token_type_ids)");
            };
            NDArray array = manager.create(new long[][] {values});
            array.setName(name);
            list.add(array);
        }
        ctx.setAttachment("attention_mask", encoding.getAttentionMask());
        return list;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
