/**
 * Quantization of ONNX graphs, written in Java on the graph so that JVM users need no Python
 * tooling: {@link io.greenai.onnx.quant.Quantizer} rewrites a float32 (or float16) graph, through the
 * {@link io.greenai.onnx.graph.GraphEditor}, into the operators ONNX Runtime runs in low precision.
 *
 * <ul>
 *   <li>INT8 with dynamic activations (the default, for CPU): {@code com.microsoft.DynamicQuantizeMatMul}
 *       with int8 weights, one scale per output column;
 *   <li>INT8 with static activations: QDQ ({@code QuantizeLinear}/{@code DequantizeLinear}) with scales
 *       from calibration ranges ({@link io.greenai.onnx.quant.ActivationRange});
 *   <li>INT4 weight-only: {@code com.microsoft.MatMulNBits}, blocks along K;
 *   <li>FP16: float16 weights and compute, float32 at the graph's borders.
 * </ul>
 *
 * <p>For CPU targets the float remainder is fused as ONNX Runtime's offline optimizer would:
 * attention cores into {@code com.microsoft.MultiHeadAttention}, residual Adds with their LayerNorms
 * into {@code com.microsoft.SkipLayerNormalization}.
 *
 * <p>The classes that match graph patterns (constant-weight products, embedding lookups, LayerNorms),
 * compute the low-precision values (symmetric int8, block-wise 4-bit, float16 bits) and emit each
 * precision's operators are package-private; the QUANTIZE stage of a compression plan,
 * which runs last, is their one caller.
 */
package io.greenai.onnx.quant;
