package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A matrix product with a constant float weight, the unit that quantization replaces: a
 * {@code MatMul} whose second input is constant, or a plain {@code Gemm} (alpha 1, A not
 * transposed), with the bias that follows it folded in: the Gemm's C, or an {@code Add} of a
 * constant vector that is the MatMul's only reader. The weight is float32, or float16 in a model
 * exported in half precision ({@code half}); its values are read widened to float32 either way, and
 * the bias must have the weight's type.
 *
 * @param node the MatMul or Gemm
 * @param biasAdd the bias Add folded in, or null
 * @param input the activation tensor A
 * @param output the tensor the replacement must produce: the bias Add's output, else the node's
 * @param weight the weight laid out [K, N], row-major (transposed already for Gemm with transB)
 * @param k rows of the weight (input features)
 * @param n columns of the weight (output features)
 * @param bias the bias, N values, or null
 * @param half whether the weight (and so the activations it multiplies) is float16
 */
record LinearNode(NodeProto node, NodeProto biasAdd, String input, String output, float[] weight, int k, int n,
        float[] bias, boolean half) {

    /** Names the node for logs and errors. */
    String describe() {
        return GraphView.describe(node);
    }

    /**
     * Finds every matrix product with a constant float32 or float16 weight, in graph order. Products of two
     * activations (attention scores) and Gemms with other alpha, beta or transA are left out.
     */
    static List<LinearNode> find(GraphView view) {
        List<LinearNode> found = new ArrayList<>();
        for (NodeProto node : view.nodes()) {
            if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                continue;
            }
            LinearNode linear = switch (node.getOpType()) {
                case "MatMul" -> matMul(view, node);
                case "Gemm" -> gemm(view, node);
                default -> null;
            };
            if (linear != null) {
                found.add(linear);
            }
        }
        return found;
    }

    private static LinearNode matMul(GraphView view, NodeProto node) {
        Optional<TensorProto> weight = floatMatrix(view, node.getInput(1));
        if (weight.isEmpty() || view.isConstant(node.getInput(0))) {
            return null;
        }
        int k = (int) weight.get().getDims(0);
        int n = (int) weight.get().getDims(1);
        int type = weight.get().getDataType();
        NodeProto add = biasAdd(view, node.getOutput(0), n, type);
        float[] bias = add == null ? null
                : Tensors.toFloatsWidened(view.constant(otherInput(add, node.getOutput(0))).get());
        return new LinearNode(node, add, node.getInput(0), add == null ? node.getOutput(0) : add.getOutput(0),
                Tensors.toFloatsWidened(weight.get()), k, n, bias, type == TensorProto.DataType.FLOAT16_VALUE);
    }

    private static LinearNode gemm(GraphView view, NodeProto node) {
        if (floatAttribute(node, "alpha", 1f) != 1f || GraphView.intAttribute(node, "transA", 0) != 0) {
            return null;
        }
        Optional<TensorProto> weight = floatMatrix(view, node.getInput(1));
        if (weight.isEmpty() || view.isConstant(node.getInput(0))) {
            return null;
        }
        boolean transposed = GraphView.intAttribute(node, "transB", 0) != 0;
        int rows = (int) weight.get().getDims(0);
        int columns = (int) weight.get().getDims(1);
        int type = weight.get().getDataType();
        float[] values = Tensors.toFloatsWidened(weight.get());
        int k = transposed ? columns : rows;
        int n = transposed ? rows : columns;
        if (transposed) {
            float[] kn = new float[values.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    kn[j * n + i] = values[i * k + j];
                }
            }
            values = kn;
        }
        float[] bias = null;
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            Optional<TensorProto> c = view.constant(node.getInput(2))
                    .filter(t -> t.getDataType() == type && Tensors.elementCount(t) == n
                            && t.getDimsCount() <= 2 && t.getDims(t.getDimsCount() - 1) == n);
            if (c.isEmpty() || floatAttribute(node, "beta", 1f) != 1f) {
                return null;
            }
            bias = Tensors.toFloatsWidened(c.get());
        }
        return new LinearNode(node, null, node.getInput(0), node.getOutput(0), values, k, n, bias,
                type == TensorProto.DataType.FLOAT16_VALUE);
    }

    private static Optional<TensorProto> floatMatrix(GraphView view, String name) {
        return view.constant(name).filter(t -> (t.getDataType() == TensorProto.DataType.FLOAT_VALUE
                || t.getDataType() == TensorProto.DataType.FLOAT16_VALUE)
                && t.getDimsCount() == 2 && t.getDims(0) > 0 && t.getDims(1) > 0);
    }

    /** The Add of a constant N-vector that is the only reader of {@code tensor}, if there is one. */
    private static NodeProto biasAdd(GraphView view, String tensor, int n, int type) {
        List<NodeProto> readers = view.consumers(tensor);
        if (readers.size() != 1 || view.isGraphOutput(tensor)) {
            return null;
        }
        NodeProto add = readers.get(0);
        if (!add.getOpType().equals("Add") || add.getInputCount() != 2
                || add.getInput(0).equals(add.getInput(1))) {
            return null;
        }
        Optional<TensorProto> bias = view.constant(otherInput(add, tensor));
        boolean vector = bias.filter(t -> t.getDataType() == type
                && t.getDimsCount() == 1 && t.getDims(0) == n).isPresent();
        return vector ? add : null;
    }

    private static String otherInput(NodeProto add, String tensor) {
        return add.getInput(0).equals(tensor) ? add.getInput(1) : add.getInput(0);
    }

    private static float floatAttribute(NodeProto node, String name, float fallback) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute.getF();
            }
        }
        return fallback;
    }
}
