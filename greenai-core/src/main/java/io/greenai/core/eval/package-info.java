/**
 * Model-neutral evaluation of a compressed model against its teacher:
 * {@link io.greenai.core.eval.DecoderQuality} for language models (next-token agreement and
 * perplexity ratio), computed from logits that a backend produced.
 */
package io.greenai.core.eval;
