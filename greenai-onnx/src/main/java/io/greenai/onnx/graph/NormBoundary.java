package io.greenai.onnx.graph;

/**
 * A layer border in a graph whose normalisation is fused with the residual addition (ONNX Runtime's
 * {@code SkipLayerNormalization}, {@code SkipSimplifiedLayerNormalization}) or with the embedding
 * ({@code EmbedLayerNormalization}), or a fused norm that reads the residual stream
 * ({@code LayerNormalization}, {@code SimplifiedLayerNormalization}). One node produces the
 * normalised tensor the next layer reads; its scale (and shift) belong to that next layer, or to the
 * model's final norm.
 *
 * @param normalized the normalised tensor (output 0 of the fused node), which identifies the node
 * @param residual the residual-stream tensor at this border: the node's residual-sum output, or the
 *     tensor it normalises
 */
public record NormBoundary(String normalized, String residual) {
}
