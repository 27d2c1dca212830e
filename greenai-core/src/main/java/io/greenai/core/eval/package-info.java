/**
 * Model-neutral evaluation of compressed models against their teachers:
 * {@link io.greenai.core.eval.Recipe recipes} (named compressions),
 * {@link io.greenai.core.eval.Metric metrics} (accuracy and GLUE's per-task metric), the
 * {@link io.greenai.core.eval.EvaluationReport report} with each
 * {@link io.greenai.core.eval.VariantResult variant's} relative accuracy and relative emission,
 * {@link io.greenai.core.eval.Progress progress} bars for long steps, and
 * {@link io.greenai.core.eval.DecoderQuality} for language models (next-token agreement and
 * perplexity ratio). The runners that execute models live with the backend
 * ({@code io.greenai.onnx.eval}).
 */
package io.greenai.core.eval;
