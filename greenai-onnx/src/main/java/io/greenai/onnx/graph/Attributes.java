package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;

/**
 * Builds the node attributes that graph edits write; {@link GraphView#intAttribute} reads them.
 */
public final class Attributes {

    private Attributes() {
    }

    /**
     * An integer attribute.
     *
     * @param name the attribute name, e.g. {@code axis}
     * @param value its value
     * @return the attribute
     */
    public static AttributeProto ofInt(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /**
     * A list-of-integers attribute.
     *
     * @param name the attribute name, e.g. {@code perm}
     * @param values its values, in order
     * @return the attribute
     */
    public static AttributeProto ofInts(String name, long... values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }
}
