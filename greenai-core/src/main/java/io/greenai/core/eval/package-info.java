/**
 * Model-neutral evaluation: {@link io.greenai.core.eval.Recipe recipes} (named compressions),
 * {@link io.greenai.core.eval.Metric metrics} (accuracy and GLUE's per-task metric), the
 * {@link io.greenai.core.eval.EvaluationReport report} with each
 * {@link io.greenai.core.eval.VariantResult variant's} relative accuracy and relative emission, and
 * {@link io.greenai.core.eval.Progress progress} bars for long steps. The runner that executes
 * models lives with the backend ({@code io.greenai.onnx.eval.Evaluation}).
 */
package io.greenai.core.eval;
