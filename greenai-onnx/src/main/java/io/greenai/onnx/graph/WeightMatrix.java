package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.greenai.core.UnsupportedModelException;

/**
 * A projection's float32 or float16 weight viewed as {@code [in, out]}, whichever way it is stored
 * ({@code [in, out]} for MatMul, {@code [out, in]} for Gemm with transB), with the slicing that
 * structured pruning needs. Slicing copies the stored elements unchanged, so a float16 weight stays
 * float16, bit for bit; {@link #get} widens float16 values to float for scoring.
 */
public final class WeightMatrix {

    private final TensorProto tensor;
    private final byte[] bytes;
    private final float[] values;
    private final int elementSize;
    private final boolean transposed;
    private final int in;
    private final int out;

    private WeightMatrix(TensorProto tensor, boolean transposed) {
        this.tensor = tensor;
        this.bytes = Tensors.rawBytes(tensor);
        this.values = Tensors.toFloatsWidened(tensor);
        this.elementSize = Tensors.elementSize(tensor.getDataType());
        this.transposed = transposed;
        this.in = (int) tensor.getDims(transposed ? 1 : 0);
        this.out = (int) tensor.getDims(transposed ? 0 : 1);
    }

    /**
     * Reads a 2-D float32 or float16 weight.
     *
     * @param tensor the initializer
     * @param transposed true if it is stored {@code [out, in]}
     * @return the matrix
     * @throws UnsupportedModelException if the weight is not a 2-D FLOAT or FLOAT16 tensor
     */
    public static WeightMatrix of(TensorProto tensor, boolean transposed) {
        if (tensor.getDimsCount() != 2 || !isSliceable(tensor)) {
            throw new UnsupportedModelException("weight '" + tensor.getName() + "' is "
                    + TensorProto.DataType.forNumber(tensor.getDataType()) + " " + tensor.getDimsList()
                    + "; structured pruning needs a 2-D FLOAT or FLOAT16 weight");
        }
        return new WeightMatrix(tensor, transposed);
    }

    /**
     * Returns the input width.
     *
     * @return rows of the {@code [in, out]} view
     */
    public int in() {
        return in;
    }

    /**
     * Returns the output width.
     *
     * @return columns of the {@code [in, out]} view
     */
    public int out() {
        return out;
    }

    /**
     * Returns one weight, widened to float.
     *
     * @param row input feature
     * @param column output feature
     * @return the weight that multiplies input {@code row} into output {@code column}
     */
    public float get(int row, int column) {
        return values[index(row, column)];
    }

    private int index(int row, int column) {
        return transposed ? column * in + row : row * out + column;
    }

    /**
     * Keeps only the given output features.
     *
     * @param columns output features to keep, ascending
     * @return the sliced initializer, same name, type and storage layout
     */
    public TensorProto keepColumns(int[] columns) {
        byte[] kept = new byte[in * columns.length * elementSize];
        int[] dims = transposed ? new int[] {columns.length, in} : new int[] {in, columns.length};
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < columns.length; c++) {
                int at = transposed ? c * in + r : r * columns.length + c;
                System.arraycopy(bytes, index(r, columns[c]) * elementSize, kept, at * elementSize, elementSize);
            }
        }
        return sliced(tensor, kept, dims);
    }

    /**
     * Keeps only the given input features.
     *
     * @param rows input features to keep, ascending
     * @return the sliced initializer, same name, type and storage layout
     */
    public TensorProto keepRows(int[] rows) {
        byte[] kept = new byte[rows.length * out * elementSize];
        int[] dims = transposed ? new int[] {out, rows.length} : new int[] {rows.length, out};
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < out; c++) {
                int at = transposed ? c * rows.length + r : r * out + c;
                System.arraycopy(bytes, index(rows[r], c) * elementSize, kept, at * elementSize, elementSize);
            }
        }
        return sliced(tensor, kept, dims);
    }

    /**
     * Keeps the given elements of a 1-D float32 or float16 tensor (a bias).
     *
     * @param vector the tensor
     * @param indices elements to keep, ascending
     * @return the sliced tensor, same name and type
     * @throws UnsupportedModelException if the tensor is not FLOAT or FLOAT16
     */
    public static TensorProto keepElements(TensorProto vector, int[] indices) {
        if (!isSliceable(vector)) {
            throw new UnsupportedModelException("tensor '" + vector.getName() + "' is "
                    + TensorProto.DataType.forNumber(vector.getDataType()) + "; structured pruning slices FLOAT or "
                    + "FLOAT16 vectors only");
        }
        byte[] bytes = Tensors.rawBytes(vector);
        int size = Tensors.elementSize(vector.getDataType());
        byte[] kept = new byte[indices.length * size];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(bytes, indices[i] * size, kept, i * size, size);
        }
        return sliced(vector, kept, new int[] {indices.length});
    }

    /**
     * Builds a weight initializer from an {@code [in][out]} matrix, stored the way a projection expects.
     *
     * @param name the initializer name
     * @param weights {@code [in][out]}
     * @param transposed true to store {@code [out, in]} (Gemm with transB)
     * @return the initializer
     */
    public static TensorProto fromInOut(String name, double[][] weights, boolean transposed) {
        int in = weights.length;
        int out = weights[0].length;
        float[] values = new float[in * out];
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                values[transposed ? c * in + r : r * out + c] = (float) weights[r][c];
            }
        }
        return floats(name, values, transposed ? new int[] {out, in} : new int[] {in, out});
    }

    /**
     * Builds a 1-D float32 initializer.
     *
     * @param name the initializer name
     * @param values the values
     * @return the initializer
     */
    public static TensorProto vector(String name, double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats(name, floats, new int[] {values.length});
    }

    private static TensorProto floats(String name, float[] values, int[] dims) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        TensorProto.Builder builder = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(buffer.array()));
        for (int dim : dims) {
            builder.addDims(dim);
        }
        return builder.build();
    }

    private static boolean isSliceable(TensorProto tensor) {
        return tensor.getDataType() == TensorProto.DataType.FLOAT_VALUE
                || tensor.getDataType() == TensorProto.DataType.FLOAT16_VALUE;
    }

    private static TensorProto sliced(TensorProto original, byte[] data, int[] dims) {
        TensorProto.Builder builder = TensorProto.newBuilder().setName(original.getName())
                .setDataType(original.getDataType()).setRawData(ByteString.copyFrom(data));
        for (int dim : dims) {
            builder.addDims(dim);
        }
        return builder.build();
    }
}
