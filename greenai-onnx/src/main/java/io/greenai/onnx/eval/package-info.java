/**
 * Evaluating compressed ONNX models against their teachers in ONNX Runtime:
 * {@link io.greenai.onnx.eval.DecoderEvaluation} for language models.
 */
package io.greenai.onnx.eval;
