package io.greenai.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Hugging Face {@code tokenizer.json} for {@link TinyTransformer}: a word-level vocabulary of
 * {@link TinyTransformer#VOCAB} ids, lower-casing and whitespace splitting, no special tokens, so a
 * test can tokenize by hand: each word's id is its index in {@link #WORDS}.
 */
final class TinyTokenizer {

    static final List<String> WORDS;

    static {
        List<String> words = new ArrayList<>(List.of("[PAD]", "[UNK]", "good", "bad", "great", "awful", "film", "book",
                "is", "was", "very", "not", "a", "the", "fun", "dull", "loved", "hated", "it", "plot"));
        for (int i = words.size(); i < TinyTransformer.VOCAB; i++) {
            words.add("w" + i);
        }
        WORDS = List.copyOf(words);
    }

    private TinyTokenizer() {
    }

    static Path write(Path folder) throws IOException {
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < WORDS.size(); i++) {
            vocab.append(i == 0 ? "" : ",").append('"').append(WORDS.get(i)).append("\":").append(i);
        }
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
                + "\"normalizer\":{\"type\":\"Lowercase\"},\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
                + "\"post_processor\":null,\"decoder\":null,"
                + "\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"[UNK]\"}}";
        Path file = folder.resolve("tiny-tokenizer.json");
        Files.writeString(file, json);
        return file;
    }

    /** Token ids of a text, by hand: lower case, split on spaces, unknown words are 1. */
    static long[] ids(String text) {
        return java.util.Arrays.stream(text.toLowerCase(Locale.ROOT).trim().split("\\s+"))
                .mapToLong(w -> WORDS.contains(w) ? WORDS.indexOf(w) : 1).toArray();
    }
}
