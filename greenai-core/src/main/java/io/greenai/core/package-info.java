/**
 * Model-neutral core of GreenAI: the fluent {@link io.greenai.core.Compressor}, the immutable
 * {@link io.greenai.core.CompressionPlan} and its steps, the discovered
 * {@link io.greenai.core.ModelStructure}, and the exception hierarchy rooted at
 * {@link io.greenai.core.GreenAiException}.
 */
package io.greenai.core;
