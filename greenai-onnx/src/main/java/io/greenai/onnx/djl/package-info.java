/**
 * Inference through DJL: {@link io.greenai.onnx.djl.DjlModels} gives {@code Criteria} that load an
 * ONNX model with DJL's OnnxRuntime engine, and the translators tokenize with DJL's Hugging Face
 * tokenizer and return labels with probabilities
 * ({@link io.greenai.onnx.djl.TextClassificationTranslator}) or sentence vectors
 * ({@link io.greenai.onnx.djl.TextEmbeddingTranslator}).
 */
package io.greenai.onnx.djl;
