package io.greenai.onnx.graph;

/**
 * A linear projection found in a graph: a {@code MatMul} (or {@code Gemm}) with a constant weight,
 * optionally followed by a bias {@code Add}.
 *
 * @param node the MatMul or Gemm node's name
 * @param weight the weight initializer, laid out [in, out] for MatMul ([out, in] for Gemm with transB)
 * @param transposed true when the weight is stored [out, in] (Gemm with transB=1)
 * @param bias the bias initializer, or null
 * @param input the tensor the projection reads
 * @param output the tensor after the bias (or after the MatMul if there is no bias)
 * @param inFeatures input width
 * @param outFeatures output width
 */
public record Projection(String node, String weight, boolean transposed, String bias, String input, String output,
        int inFeatures, int outFeatures) {
}
