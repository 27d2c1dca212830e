/**
 * ONNX graph internals: a read-only {@link io.greenai.onnx.graph.GraphView}, the
 * {@link io.greenai.onnx.graph.TransformerDiscovery} that finds the layer stacks (with package-private
 * matchers for attention blocks, norms and projections, plain or fused by ONNX Runtime), the
 * {@link io.greenai.onnx.graph.GraphEditor} through which every edit goes, and the edits themselves
 * ({@link io.greenai.onnx.graph.LayerRemoval}, {@link io.greenai.onnx.graph.MatrixPruning}).
 * Application code normally uses {@link io.greenai.onnx.OnnxModel} and
 * {@link io.greenai.core.Compressor} instead.
 */
package io.greenai.onnx.graph;
