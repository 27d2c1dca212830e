/**
 * GreenAI for ONNX models: {@link io.greenai.onnx.OnnxModel} loads, inspects, compresses (through
 * {@link io.greenai.core.Compressor}) and saves models; {@link io.greenai.onnx.MavenModel} fetches
 * pretrained models shipped in Maven Central jars.
 */
package io.greenai.onnx;
