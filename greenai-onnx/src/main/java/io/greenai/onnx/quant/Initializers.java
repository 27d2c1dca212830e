package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Builds the constant tensors and nodes that quantized graphs are made of. */
final class Initializers {

    private Initializers() {
    }

    static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return raw(name, TensorProto.DataType.FLOAT_VALUE, buffer.array(), dims);
    }

    /** A float32 tensor, or float16 (rounded to nearest, clamped to its finite range) when {@code half}. */
    static TensorProto floats(boolean half, String name, float[] values, long... dims) {
        if (!half) {
            return floats(name, values, dims);
        }
        short[] halves = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            halves[i] = HalfFloat.fromFloatSaturating(values[i]);
        }
        return halves(name, halves, dims);
    }

    static TensorProto halves(String name, short[] values, long... dims) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asShortBuffer().put(values);
        return raw(name, TensorProto.DataType.FLOAT16_VALUE, buffer.array(), dims);
    }

    static TensorProto bytes(String name, int dataType, byte[] values, long... dims) {
        return raw(name, dataType, values, dims);
    }

    static TensorProto longs(String name, long[] values, long... dims) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return raw(name, TensorProto.DataType.INT64_VALUE, buffer.array(), dims);
    }

    private static TensorProto raw(String name, int dataType, byte[] data, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(dataType)
                .setRawData(ByteString.copyFrom(data));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    static NodeProto node(String op, String domain, String name, List<String> inputs, List<String> outputs,
            AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs)
                .addAllOutput(outputs);
        if (!domain.isEmpty()) {
            node.setDomain(domain);
        }
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        return node.build();
    }
}
