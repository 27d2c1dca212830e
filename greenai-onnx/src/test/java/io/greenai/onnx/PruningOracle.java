package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.graph.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference edit for structured pruning: removing head h of a layer equals zeroing the rows of
 * its output-projection weight that belong to h; removing neuron j equals zeroing row j of its
 * down-projection weight. Works on MatMul weights stored [in, out].
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
            float[] values = Tensors.toFloats(tensor);
            int out = (int) tensor.getDims(1);
            for (int row : rows) {
                Arrays.fill(values, row * out, (row + 1) * out, 0f);
            }
            ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(values);
            graph.setInitializer(i, tensor.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(buffer.array())));
        }
        return proto.toBuilder().setGraph(graph).build();
    }

    /**
     * Finds which rows of an original [in, out] weight are missing from its pruned copy, by matching
     * row contents exactly (pruning copies the kept rows unchanged).
     */
    static List<Integer> removedRows(TensorProto original, TensorProto pruned) {
        int out = (int) original.getDims(1);
        float[] before = Tensors.toFloats(original);
        float[] after = Tensors.toFloats(pruned);
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

    /** The reference model for a pruned model: the original with the removed rows zeroed. */
    static OnnxModel reference(OnnxModel original, OnnxModel pruned) {
        Map<String, TensorProto> after = new HashMap<>();
        pruned.proto().getGraph().getInitializerList().forEach(t -> after.put(t.getName(), t));
        Map<String, List<Integer>> zero = new HashMap<>();
        for (LayerBlock layer : original.transformerStack().layers()) {
            for (String weight : List.of(layer.attentionOutput().weight(), layer.ffnDown().weight())) {
                TensorProto before = initializer(original, weight);
                zero.put(weight, removedRows(before, after.get(weight)));
            }
        }
        return OnnxModel.of(zeroRows(original.proto(), zero), original.name() + "-reference");
    }

    static TensorProto initializer(OnnxModel model, String name) {
        return model.proto().getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name))
                .findFirst().orElseThrow();
    }
}
