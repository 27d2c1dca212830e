package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.graph.Tensors;
import io.greenai.onnx.graph.TransformerStack;
import io.greenai.onnx.runtime.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference edit for structured pruning: removing head h of a layer equals zeroing the rows of
 * its output-projection weight that belong to h; removing neuron j equals zeroing row j of its
 * down-projection weight. Works on MatMul weights stored [in, out], float32 or float16 (a zero is all
 * zero bits in both).
 */
final class PruningOracle {

    private PruningOracle() {
    }

    /** Zeroes the given input rows of each named [in, out] weight in a copy of the model. */
    static ModelProto zeroRows(ModelProto proto, Map<String, List<Integer>> rowsByWeight) {
        var graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto tensor = graph.getInitializer(i);
            List<Integer> rows = rowsByWeight.get(tensor.getName());
            if (rows == null) {
                continue;
            }
            byte[] bytes = Tensors.rawBytes(tensor);
            int rowBytes = (int) tensor.getDims(1) * Tensors.elementSize(tensor.getDataType());
            for (int row : rows) {
                Arrays.fill(bytes, row * rowBytes, (row + 1) * rowBytes, (byte) 0);
            }
            graph.setInitializer(i, tensor.toBuilder().clearFloatData().clearInt32Data()
                    .setRawData(ByteString.copyFrom(bytes)));
        }
        return proto.toBuilder().setGraph(graph).build();
    }

    /**
     * Finds which rows of an original [in, out] weight are missing from its pruned copy, by matching
     * row contents exactly (pruning copies the kept rows unchanged).
     */
    static List<Integer> removedRows(TensorProto original, TensorProto pruned) {
        int out = (int) original.getDims(1);
        float[] before = Tensors.toFloatsWidened(original);
        float[] after = Tensors.toFloatsWidened(pruned);
        Map<String, Integer> kept = new HashMap<>();
        for (int r = 0; r < after.length / out; r++) {
            kept.merge(Arrays.toString(Arrays.copyOfRange(after, r * out, (r + 1) * out)), 1, Integer::sum);
        }
        List<Integer> removed = new ArrayList<>();
        for (int r = 0; r < before.length / out; r++) {
            String row = Arrays.toString(Arrays.copyOfRange(before, r * out, (r + 1) * out));
            Integer left = kept.get(row);
            if (left == null || left == 0) {
                removed.add(r);
            } else {
                kept.put(row, left - 1);
            }
        }
        return removed;
    }

    /** The reference model for a pruned model: the original with the removed rows zeroed, in every stack. */
    static OnnxModel reference(OnnxModel original, OnnxModel pruned) {
        Map<String, TensorProto> after = new HashMap<>();
        pruned.proto().getGraph().getInitializerList().forEach(t -> after.put(t.getName(), t));
        Map<String, List<Integer>> zero = new HashMap<>();
        for (TransformerStack stack : original.transformerStacks()) {
            for (LayerBlock layer : stack.layers()) {
                for (String weight : List.of(layer.attentionOutput().weight(), layer.ffnDown().weight())) {
                    TensorProto before = initializer(original, weight);
                    zero.put(weight, removedRows(before, after.get(weight)));
                }
            }
        }
        return OnnxModel.of(zeroRows(original.proto(), zero), original.name() + "-reference");
    }

    /** The query heads a pruned layer kept, read off its output-projection rows. */
    static int[] keptHeads(OnnxModel original, OnnxModel pruned, LayerBlock layer) {
        List<Integer> removed = removedRows(initializer(original, layer.attentionOutput().weight()),
                initializer(pruned, layer.attentionOutput().weight()));
        return java.util.stream.IntStream.range(0, layer.headCount())
                .filter(h -> !removed.contains(h * layer.headSize())).toArray();
    }

    /** The key/value heads kept when whole groups of query heads were kept. */
    static int[] keptKvHeads(int[] keptHeads, int groupSize) {
        return Arrays.stream(keptHeads).map(h -> h / groupSize).distinct().toArray();
    }

    /** Keeps the given indices along one axis of a tensor. */
    static FloatTensor slice(FloatTensor tensor, int axis, int[] kept) {
        long[] shape = tensor.shape().clone();
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= (int) shape[i];
        }
        int size = (int) shape[axis];
        int outer = tensor.data().length / (inner * size);
        float[] data = new float[outer * kept.length * inner];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < kept.length; k++) {
                System.arraycopy(tensor.data(), (o * size + kept[k]) * inner, data, (o * kept.length + k) * inner, inner);
            }
        }
        shape[axis] = kept.length;
        return new FloatTensor(shape, data);
    }

    static TensorProto initializer(OnnxModel model, String name) {
        return model.proto().getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name))
                .findFirst().orElseThrow();
    }
}
