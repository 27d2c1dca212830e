package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.greenai.onnx.graph.GraphView;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The element type of every tensor of a graph, from the declared inputs, initializers and
 * value_info, propagated through the nodes in graph order by the operators' type rules (most
 * operators keep their first input's type; {@code Shape} gives int64, {@code Cast} its target,
 * comparisons bool). Enough to tell float tensors from shape arithmetic when converting to float16.
 */
final class TensorTypes {

    private static final int UNDEFINED = TensorProto.DataType.UNDEFINED_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;
    private static final int BOOL = TensorProto.DataType.BOOL_VALUE;
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final Set<String> TO_INT64 = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin");
    private static final Set<String> TO_BOOL = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "Not", "And", "Or", "Xor", "IsNaN", "IsInf");

    private final Map<String, Integer> types = new HashMap<>();

    private TensorTypes() {
    }

    static TensorTypes infer(GraphView view) {
        TensorTypes result = new TensorTypes();
        for (ValueInfoProto info : view.graph().getInputList()) {
            result.declare(info);
        }
        for (ValueInfoProto info : view.graph().getValueInfoList()) {
            result.declare(info);
        }
        for (TensorProto initializer : view.graph().getInitializerList()) {
            result.types.put(initializer.getName(), initializer.getDataType());
        }
        for (NodeProto node : view.nodes()) {
            for (int i = 0; i < node.getOutputCount(); i++) {
                String output = node.getOutput(i);
                if (!output.isEmpty() && result.type(output) == UNDEFINED) {
                    result.types.put(output, result.outputType(node, i));
                }
            }
        }
        return result;
    }

    /** The tensor's element type ({@code TensorProto.DataType} number), or UNDEFINED if unknown. */
    int type(String tensor) {
        return types.getOrDefault(tensor, UNDEFINED);
    }

    boolean isFloat(String tensor) {
        return type(tensor) == FLOAT;
    }

    private void declare(ValueInfoProto info) {
        if (info.getType().hasTensorType() && info.getType().getTensorType().getElemType() != UNDEFINED) {
            types.put(info.getName(), info.getType().getTensorType().getElemType());
        }
    }

    private int outputType(NodeProto node, int output) {
        String op = node.getOpType();
        if (TO_INT64.contains(op)) {
            return INT64;
        }
        if (TO_BOOL.contains(op)) {
            return BOOL;
        }
        switch (op) {
            case "Cast":
                return (int) GraphView.intAttribute(node, "to", UNDEFINED);
            case "CastLike":
                return type(node.getInput(1));
            case "Constant":
                return constantType(node);
            case "ConstantOfShape":
                for (AttributeProto attribute : node.getAttributeList()) {
                    if (attribute.getName().equals("value")) {
                        return attribute.getT().getDataType();
                    }
                }
                return FLOAT;
            case "Where":
                return type(node.getInput(1));
            case "TopK":
                return output == 1 ? INT64 : type(node.getInput(0));
            case "Dropout":
                return output == 1 ? BOOL : type(node.getInput(0));
            default:
                for (String input : node.getInputList()) {
                    if (!input.isEmpty() && type(input) != UNDEFINED) {
                        return type(input);
                    }
                }
                return UNDEFINED;
        }
    }

    private static int constantType(NodeProto node) {
        for (AttributeProto attribute : node.getAttributeList()) {
            switch (attribute.getName()) {
                case "value":
                    return attribute.getT().getDataType();
                case "value_float", "value_floats":
                    return FLOAT;
                case "value_int", "value_ints":
                    return INT64;
                case "value_string", "value_strings":
                    return TensorProto.DataType.STRING_VALUE;
                default:
                    break;
            }
        }
        return UNDEFINED;
    }
}
