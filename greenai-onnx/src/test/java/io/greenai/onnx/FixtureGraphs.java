package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.greenai.onnx.graph.Attributes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The graph a fixture builder ({@link TinyTransformer}, {@link TinyT5}, {@link TinyGqaDecoder}) is
 * writing: its nodes and initializers in order, and the counter that makes node names unique, plus the
 * tensor, attribute and value-info helpers the builders share.
 */
final class FixtureGraphs {

    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private int counter;

    /** Drops the nodes and initializers; the name counter goes on unless {@link #restartNames()} is called. */
    void clear() {
        nodes.clear();
        initializers.clear();
    }

    void restartNames() {
        counter = 0;
    }

    /** The next value of the name counter, then moves it on. */
    int nextIndex() {
        return counter++;
    }

    /** Adds a node named {@code <op>_<counter>}. */
    void node(String op, List<String> inputs, String output, AttributeProto... attributes) {
        node(op + "_" + nextIndex(), op, inputs, output, attributes);
    }

    /** Adds a node with the given name; the name counter does not move. */
    void node(String name, String op, List<String> inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name)
                .addAllInput(inputs).addOutput(output);
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        nodes.add(node.build());
    }

    void add(NodeProto node) {
        nodes.add(node);
    }

    void add(TensorProto initializer) {
        initializers.add(initializer);
    }

    /** A float initializer stored as little-endian raw data. */
    String init(String name, float[] values, long... dims) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(buffer.array()));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        initializers.add(tensor.build());
        return name;
    }

    /** A one-dimensional int64 initializer. */
    String ints(String name, long... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        initializers.add(tensor.build());
        return name;
    }

    /** A scalar (no dims) int64 initializer. */
    String longScalar(String name, long value) {
        initializers.add(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addInt64Data(value).build());
        return name;
    }

    /**
     * A bias-free projection: {@code name/out} = {@code input} times a new [in, out] weight
     * {@code name.weight}, Gaussian with scale 1/sqrt(in).
     */
    String matMul(String input, int in, int out, Random random, String name) {
        String weight = init(name + ".weight", floats(random, in * out, (float) (1 / Math.sqrt(in))), in, out);
        node("MatMul", List.of(input, weight), name + "/out");
        return name + "/out";
    }

    /** A norm's scale {@code name.weight}: {@code size} values of 1 plus Gaussian noise of scale 0.2. */
    String normWeight(String name, Random random, int size) {
        float[] weight = floats(random, size, 0.2f);
        for (int i = 0; i < size; i++) {
            weight[i] += 1f;
        }
        return init(name, weight, size);
    }

    /** Adds a node of ONNX Runtime's {@code com.microsoft} domain named {@code <op>_<counter>}. */
    void microsoftNode(String op, List<String> inputs, String output, AttributeProto... attributes) {
        node(op + "_" + nextIndex(), op, inputs, output, attributes);
        nodes.set(nodes.size() - 1, nodes.get(nodes.size() - 1).toBuilder().setDomain("com.microsoft").build());
    }

    /** A graph builder holding the nodes and initializers written so far. */
    GraphProto.Builder graph(String name) {
        return GraphProto.newBuilder().setName(name).addAllNode(nodes).addAllInitializer(initializers);
    }

    /** IR version 8, producer {@code greenai-tests}, default opset 17; the caller sets the graph. */
    static ModelProto.Builder model() {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("greenai-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17));
    }

    /** {@code count} Gaussian values times {@code scale}. */
    static float[] floats(Random random, int count, float scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }

    static AttributeProto intAttr(String name, long value) {
        return Attributes.ofInt(name, value);
    }

    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        return Attributes.ofInts(name, values);
    }

    /** A tensor value info; a dimension made of digits is fixed, any other is symbolic. */
    static ValueInfoProto valueInfo(String name, int type, String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String dim : dims) {
            if (dim.chars().allMatch(Character::isDigit)) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(Long.parseLong(dim)));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(dim));
            }
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }
}
