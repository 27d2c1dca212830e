/**
 * Running models: {@link io.greenai.onnx.runtime.InferenceSession} on ONNX Runtime, typed
 * {@link io.greenai.onnx.runtime.OrtOptions}, and the {@link io.greenai.onnx.runtime.TextEncoder}
 * that tokenizes text with DJL's Hugging Face tokenizer.
 */
package io.greenai.onnx.runtime;
