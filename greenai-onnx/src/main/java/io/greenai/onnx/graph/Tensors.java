package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the values of ONNX {@link TensorProto}s (raw little-endian data or typed fields). */
public final class Tensors {

    private Tensors() {
    }

    /**
     * Counts the elements of a tensor from its dims.
     *
     * @param tensor the tensor
     * @return the product of its dims (1 for a scalar)
     */
    public static long elementCount(TensorProto tensor) {
        long count = 1;
        for (long dim : tensor.getDimsList()) {
            count *= dim;
        }
        return count;
    }

    /**
     * Returns the size in bytes of one element of an ONNX data type.
     *
     * @param dataType a {@code TensorProto.DataType} number
     * @return bytes per element, or 0 for types without a fixed size (strings) and 4-bit types
     */
    public static int elementSize(int dataType) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(dataType);
        if (type == null) {
            return 0;
        }
        return switch (type) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64, COMPLEX64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> 1;
            case COMPLEX128 -> 16;
            default -> 0;
        };
    }

    /**
     * Tells whether a tensor holds floating-point weights (float, double, float16 or bfloat16).
     *
     * @param tensor the tensor
     * @return true for floating-point data types
     */
    public static boolean isFloatingPoint(TensorProto tensor) {
        int type = tensor.getDataType();
        return type == TensorProto.DataType.FLOAT_VALUE || type == TensorProto.DataType.DOUBLE_VALUE
                || type == TensorProto.DataType.FLOAT16_VALUE || type == TensorProto.DataType.BFLOAT16_VALUE;
    }

    /**
     * Reads an integer tensor (int64 or int32) as longs.
     *
     * @param tensor the tensor
     * @return its values in row-major order
     * @throws ModelFormatException if the tensor is not an integer tensor or its data is inconsistent
     */
    public static long[] toLongs(TensorProto tensor) {
        int count = checkedCount(tensor);
        long[] values = new long[count];
        if (tensor.getDataType() == TensorProto.DataType.INT64_VALUE) {
            if (!tensor.getRawData().isEmpty()) {
                ByteBuffer buffer = raw(tensor, count, 8);
                for (int i = 0; i < count; i++) {
                    values[i] = buffer.getLong();
                }
            } else {
                checkFieldCount(tensor, tensor.getInt64DataCount(), count);
                for (int i = 0; i < count; i++) {
                    values[i] = tensor.getInt64Data(i);
                }
            }
        } else if (tensor.getDataType() == TensorProto.DataType.INT32_VALUE) {
            if (!tensor.getRawData().isEmpty()) {
                ByteBuffer buffer = raw(tensor, count, 4);
                for (int i = 0; i < count; i++) {
                    values[i] = buffer.getInt();
                }
            } else {
                checkFieldCount(tensor, tensor.getInt32DataCount(), count);
                for (int i = 0; i < count; i++) {
                    values[i] = tensor.getInt32Data(i);
                }
            }
        } else {
            throw new ModelFormatException("tensor '" + tensor.getName() + "' has data type "
                    + TensorProto.DataType.forNumber(tensor.getDataType()) + ", expected INT64 or INT32");
        }
        return values;
    }

    /**
     * Reads a float32 tensor.
     *
     * @param tensor the tensor
     * @return its values in row-major order
     * @throws ModelFormatException if the tensor is not float32 or its data is inconsistent
     */
    public static float[] toFloats(TensorProto tensor) {
        if (tensor.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelFormatException("tensor '" + tensor.getName() + "' has data type "
                    + TensorProto.DataType.forNumber(tensor.getDataType()) + ", expected FLOAT");
        }
        int count = checkedCount(tensor);
        float[] values = new float[count];
        if (!tensor.getRawData().isEmpty()) {
            raw(tensor, count, 4).asFloatBuffer().get(values);
        } else {
            checkFieldCount(tensor, tensor.getFloatDataCount(), count);
            for (int i = 0; i < count; i++) {
                values[i] = tensor.getFloatData(i);
            }
        }
        return values;
    }

    /**
     * Reads a float32 or float16 tensor as floats (float16 values widened exactly).
     *
     * @param tensor the tensor
     * @return its values in row-major order
     * @throws ModelFormatException if the tensor is neither FLOAT nor FLOAT16 or its data is inconsistent
     */
    public static float[] toFloatsWidened(TensorProto tensor) {
        if (tensor.getDataType() != TensorProto.DataType.FLOAT16_VALUE) {
            return toFloats(tensor);
        }
        int count = checkedCount(tensor);
        float[] values = new float[count];
        if (!tensor.getRawData().isEmpty()) {
            ByteBuffer buffer = raw(tensor, count, 2);
            for (int i = 0; i < count; i++) {
                values[i] = halfToFloat(buffer.getShort());
            }
        } else {
            // The ONNX spec stores float16 bit patterns in int32_data when raw_data is not used.
            checkFieldCount(tensor, tensor.getInt32DataCount(), count);
            for (int i = 0; i < count; i++) {
                values[i] = halfToFloat((short) tensor.getInt32Data(i));
            }
        }
        return values;
    }

    /**
     * Returns a tensor's data as little-endian bytes, whether stored raw or in the typed fields.
     *
     * @param tensor a FLOAT or FLOAT16 tensor
     * @return the bytes, {@link #elementSize} per element
     * @throws ModelFormatException if the tensor has another type or its data is inconsistent
     */
    public static byte[] rawBytes(TensorProto tensor) {
        int type = tensor.getDataType();
        if (type != TensorProto.DataType.FLOAT_VALUE && type != TensorProto.DataType.FLOAT16_VALUE) {
            throw new ModelFormatException("tensor '" + tensor.getName() + "' has data type "
                    + TensorProto.DataType.forNumber(type) + ", expected FLOAT or FLOAT16");
        }
        int count = checkedCount(tensor);
        int size = elementSize(type);
        if (!tensor.getRawData().isEmpty()) {
            raw(tensor, count, size);
            return tensor.getRawData().toByteArray();
        }
        ByteBuffer buffer = ByteBuffer.allocate(count * size).order(ByteOrder.LITTLE_ENDIAN);
        if (type == TensorProto.DataType.FLOAT_VALUE) {
            buffer.asFloatBuffer().put(toFloats(tensor));
        } else {
            checkFieldCount(tensor, tensor.getInt32DataCount(), count);
            for (int i = 0; i < count; i++) {
                buffer.putShort((short) tensor.getInt32Data(i));
            }
        }
        return buffer.array();
    }

    /**
     * A one-dimensional INT64 tensor, e.g. a shape or a list of indices, without a name.
     *
     * @param values the values, in order
     * @return the tensor of shape {@code [values.length]}
     */
    public static TensorProto int64Vector(long... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        return tensor.build();
    }

    /**
     * Widens an IEEE 754 half-precision bit pattern to a float (exact for every value).
     *
     * @param bits the float16 bits
     * @return the value
     */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half: value = mantissa * 2^-24.
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /**
     * Counts the bytes a tensor's data takes, as stored.
     *
     * @param tensor the tensor
     * @return the data size in bytes
     */
    public static long dataBytes(TensorProto tensor) {
        if (!tensor.getRawData().isEmpty()) {
            return tensor.getRawData().size();
        }
        int size = elementSize(tensor.getDataType());
        return size == 0 ? 0 : elementCount(tensor) * size;
    }

    private static int checkedCount(TensorProto tensor) {
        long count = elementCount(tensor);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new ModelFormatException("tensor '" + tensor.getName() + "' has invalid dims " + tensor.getDimsList());
        }
        return (int) count;
    }

    private static ByteBuffer raw(TensorProto tensor, int count, int size) {
        if (tensor.getRawData().size() != (long) count * size) {
            throw new ModelFormatException("tensor '" + tensor.getName() + "' holds " + tensor.getRawData().size()
                    + " bytes, but its dims " + tensor.getDimsList() + " need " + (long) count * size);
        }
        return tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void checkFieldCount(TensorProto tensor, int stored, int count) {
        if (stored != count) {
            throw new ModelFormatException("tensor '" + tensor.getName() + "' holds " + stored
                    + " values, but its dims " + tensor.getDimsList() + " need " + count);
        }
    }
}
