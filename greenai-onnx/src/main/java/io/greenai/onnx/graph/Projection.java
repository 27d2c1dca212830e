package io.greenai.onnx.graph;

/**
 * A linear projection found in a graph: a {@code MatMul} (or {@code Gemm}) with a constant weight,
 * optionally followed by a bias {@code Add}; or one slice of a packed weight that computes several
 * projections at once (query, key and value side by side, as in ONNX Runtime's fused
 * {@code Attention} or a {@code Gemm} followed by a {@code Split}).
 *
 * @param node the MatMul, Gemm or fused attention node's name
 * @param weight the weight initializer, laid out [in, out] for MatMul ([out, in] for Gemm with transB)
 * @param transposed true when the weight is stored [out, in] (Gemm with transB=1)
 * @param bias the bias initializer, or null
 * @param input the tensor the projection reads
 * @param output the tensor that carries this projection's result (for a slice of a packed weight,
 *     the Split output, or the fused attention node's output)
 * @param inFeatures input width
 * @param outFeatures output width (of this slice, for a packed weight)
 * @param offset the first output column of this projection in the weight and bias: 0 unless the weight
 *     is packed
 */
public record Projection(String node, String weight, boolean transposed, String bias, String input, String output,
        int inFeatures, int outFeatures, int offset) {

    /**
     * A projection that owns its whole weight.
     *
     * @param node the MatMul or Gemm node's name
     * @param weight the weight initializer
     * @param transposed true when the weight is stored [out, in]
     * @param bias the bias initializer, or null
     * @param input the tensor the projection reads
     * @param output the tensor after the bias (or after the MatMul if there is no bias)
     * @param inFeatures input width
     * @param outFeatures output width
     */
    public Projection(String node, String weight, boolean transposed, String bias, String input, String output,
            int inFeatures, int outFeatures) {
        this(node, weight, transposed, bias, input, output, inFeatures, outFeatures, 0);
    }

    /**
     * Returns this projection as a slice of a packed weight.
     *
     * @param output the tensor that carries the slice's result
     * @param offset the slice's first output column
     * @param width the slice's output width
     * @return the slice
     */
    Projection slice(String output, int offset, int width) {
        return new Projection(node, weight, transposed, bias, input, output, inFeatures, width, this.offset + offset);
    }
}
