package io.greenai.onnx.djl;

import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import java.nio.file.Path;

/**
 * DJL {@link Criteria} that load an ONNX file saved by GreenAI (or any BERT-style ONNX model) with
 * DJL's OnnxRuntime engine. The engine uses the ONNX Runtime native library inside the
 * {@code com.microsoft.onnxruntime} jar, so nothing is downloaded.
 *
 * <pre>{@code
 * try (TextClassificationTranslator translator = new TextClassificationTranslator(tokenizer, labels, 256);
 *         ZooModel<String, Classifications> model = DjlModels.classifier(Path.of("combination.onnx"), translator)
 *                 .loadModel();
 *         Predictor<String, Classifications> predictor = model.newPredictor()) {
 *     predictor.predict("A warm, funny film.").best().getClassName();   // "positive"
 * }
 * }</pre>
 */
public final class DjlModels {

    /** DJL's name of the ONNX Runtime engine. */
    public static final String ENGINE = "OnnxRuntime";

    private DjlModels() {
    }

    /**
     * Criteria for a text classifier.
     *
     * @param onnxFile the {@code .onnx} file
     * @param translator tokenizes and turns logits into classifications
     * @return the criteria; {@code loadModel()} opens the model
     */
    public static Criteria<String, Classifications> classifier(Path onnxFile, TextClassificationTranslator translator) {
        return Criteria.builder().setTypes(String.class, Classifications.class).optModelPath(onnxFile)
                .optEngine(ENGINE).optTranslator(translator).build();
    }

    /**
     * Criteria for a text encoder giving one vector per text.
     *
     * @param onnxFile the {@code .onnx} file
     * @param translator tokenizes and pools the token vectors
     * @return the criteria; {@code loadModel()} opens the model
     */
    public static Criteria<String, float[]> embeddings(Path onnxFile, TextEmbeddingTranslator translator) {
        return Criteria.builder().setTypes(String.class, float[].class).optModelPath(onnxFile).optEngine(ENGINE)
                .optTranslator(translator).build();
    }
}
