package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.onnx.graph.Attributes;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.Tensors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores embedding tables (constant float32 [V, H] matrices read by {@code Gather}) as int8 with one
 * float16 scale per row: {@code Gather} picks the int8 rows and their scales, {@code Cast}s and a
 * {@code Mul} turn them back to float32 at once, so everything after the lookup (the embedding sum,
 * LayerNorm) still computes in float32. A vocabulary table is most of a small encoder's file.
 */
final class EmbeddingTables {

    /** Tables smaller than this stay float32 (BERT's 2-row token-type table): nothing to gain. */
    static final long MIN_ELEMENTS = 1024;

    private EmbeddingTables() {
    }

    /** Rewrites every large embedding lookup; returns how many tables were quantized. */
    static int quantize(GraphEditor editor, GraphView view) {
        Map<String, String[]> done = new HashMap<>();
        for (NodeProto gather : view.nodes()) {
            Optional<TensorProto> table = table(view, gather);
            if (table.isEmpty()) {
                continue;
            }
            String tableName = gather.getInput(0);
            String[] names = done.computeIfAbsent(tableName, t -> addTable(editor, table.get()));
            String base = editor.uniqueName("greenai/int8/" + gather.getName());
            String rows = editor.uniqueName(base + "/rows_int8");
            String rowScales = editor.uniqueName(base + "/row_scales");
            String widened = editor.uniqueName(base + "/rows_float");
            String rowScalesHalf = editor.uniqueName(base + "/row_scales_fp16");
            editor.replace(gather, List.of(
                    Initializers.node("Gather", "", editor.uniqueName(base + "/gather_rows"),
                            List.of(names[0], gather.getInput(1)), List.of(rows), Attributes.ofInt("axis", 0)),
                    Initializers.node("Gather", "", editor.uniqueName(base + "/gather_scales"),
                            List.of(names[1], gather.getInput(1)), List.of(rowScalesHalf),
                            Attributes.ofInt("axis", 0)),
                    Initializers.node("Cast", "", editor.uniqueName(base + "/widen_rows"), List.of(rows),
                            List.of(widened), Attributes.ofInt("to", TensorProto.DataType.FLOAT_VALUE)),
                    Initializers.node("Cast", "", editor.uniqueName(base + "/widen_scales"), List.of(rowScalesHalf),
                            List.of(rowScales), Attributes.ofInt("to", TensorProto.DataType.FLOAT_VALUE)),
                    Initializers.node("Mul", "", editor.uniqueName(base + "/scale_rows"), List.of(widened, rowScales),
                            gather.getOutputList())));
        }
        return done.size();
    }

    private static Optional<TensorProto> table(GraphView view, NodeProto node) {
        if (!node.getOpType().equals("Gather") || GraphView.intAttribute(node, "axis", 0) != 0
                || !(node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"))) {
            return Optional.empty();
        }
        return view.constant(node.getInput(0)).filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && t.getDimsCount() == 2 && Tensors.elementCount(t) >= MIN_ELEMENTS);
    }

    /** Adds the int8 table and its [V, 1] scales; returns their names. */
    private static String[] addTable(GraphEditor editor, TensorProto table) {
        int rows = (int) table.getDims(0);
        int columns = (int) table.getDims(1);
        Int8Tensor quantized = Int8Tensor.perRow(Tensors.toFloats(table), rows, columns);
        String values = editor.uniqueName(table.getName() + "_int8");
        String scales = editor.uniqueName(table.getName() + "_row_scale");
        editor.addInitializer(Initializers.bytes(values, TensorProto.DataType.INT8_VALUE, quantized.values(), rows,
                columns));
        // float16, as the file's size is what the table is quantized for; [V, 1] so that the gathered
        // scales broadcast over each row's H values.
        short[] halves = new short[rows];
        for (int r = 0; r < rows; r++) {
            halves[r] = HalfFloat.fromFloat(quantized.scales()[r]);
        }
        editor.addInitializer(Initializers.halves(scales, halves, rows, 1));
        return new String[] {values, scales};
    }
}
