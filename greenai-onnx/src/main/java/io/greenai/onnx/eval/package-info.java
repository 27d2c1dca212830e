/**
 * Evaluating ONNX models against their teachers in ONNX Runtime.
 * {@link io.greenai.onnx.eval.ClassifierHead} fits a linear head on an encoder's pooled vectors and
 * writes it into the graph (output {@code logits}); {@link io.greenai.onnx.eval.TextClassifier} runs
 * a classifier; {@link io.greenai.onnx.eval.Evaluation} measures the original and each compression
 * recipe (accuracy, latency, energy, size) and returns an
 * {@link io.greenai.core.eval.EvaluationReport}; {@link io.greenai.onnx.eval.DecoderEvaluation}
 * compares language models.
 */
package io.greenai.onnx.eval;
