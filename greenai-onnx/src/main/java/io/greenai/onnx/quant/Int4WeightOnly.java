package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.onnx.graph.Attributes;
import io.greenai.onnx.graph.GraphEditor;
import java.util.ArrayList;
import java.util.List;

/**
 * INT4 weight-only: each constant-weight MatMul (with its bias Add) becomes one
 * {@code com.microsoft.MatMulNBits} (bits 4, blocks along K, {@link Int4Blocks} layout), which ONNX
 * Runtime runs on CPU and CUDA. Activations stay float: float32, or float16 where the weight was
 * float16, since ONNX Runtime registers MatMulNBits for both on CPU (its type T1, which the scales
 * and the bias share with the activations).
 */
final class Int4WeightOnly {

    private final GraphEditor editor;
    private final int blockSize;
    private final int accuracyLevel;

    /**
     * @param accuracyLevel MatMulNBits' {@code accuracy_level}: 0 computes in the input's float type;
     *     4 lets the CPU kernel quantize activations to int8 per block for speed
     */
    Int4WeightOnly(GraphEditor editor, int blockSize, int accuracyLevel) {
        this.editor = editor;
        this.blockSize = blockSize;
        this.accuracyLevel = accuracyLevel;
    }

    /** Replaces the products; returns how many MatMulNBits the graph now has. */
    int apply(List<LinearNode> linears) {
        editor.requireOpset(Quantizer.MS_DOMAIN, 1);
        for (LinearNode linear : linears) {
            editor.replace(linear.node(), List.of(product(linear)));
            if (linear.biasAdd() != null) {
                editor.remove(linear.biasAdd());
            }
        }
        return linears.size();
    }

    private NodeProto product(LinearNode linear) {
        int k = linear.k();
        int n = linear.n();
        Int4Blocks blocks = Int4Blocks.quantize(linear.weight(), k, n, blockSize);
        int count = Int4Blocks.blocks(k, blockSize);
        String base = editor.uniqueName("greenai/int4/" + linear.node().getName());
        String weight = editor.uniqueName(base + ".weight_int4");
        String scales = editor.uniqueName(base + ".scales");
        String zeroPoints = editor.uniqueName(base + ".zero_points");
        editor.addInitializer(Initializers.bytes(weight, TensorProto.DataType.UINT8_VALUE, blocks.packed(), n, count,
                blockSize / 2));
        editor.addInitializer(Initializers.floats(linear.half(), scales, blocks.scales(), (long) n * count));
        editor.addInitializer(Initializers.bytes(zeroPoints, TensorProto.DataType.UINT8_VALUE, blocks.zeroPoints(),
                (long) n * ((count + 1) / 2)));
        List<String> inputs = new ArrayList<>(List.of(linear.input(), weight, scales, zeroPoints));
        if (linear.bias() != null) {
            String bias = editor.uniqueName(base + ".bias");
            editor.addInitializer(Initializers.floats(linear.half(), bias, linear.bias(), n));
            inputs.add(""); // g_idx: none, blocks are contiguous
            inputs.add(bias);
        }
        return Initializers.node("MatMulNBits", Quantizer.MS_DOMAIN, base, inputs, List.of(linear.output()),
                Attributes.ofInt("K", k), Attributes.ofInt("N", n),
                Attributes.ofInt("bits", 4), Attributes.ofInt("block_size", blockSize),
                Attributes.ofInt("accuracy_level", accuracyLevel));
    }
}
