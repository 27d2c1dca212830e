package io.greenai.onnx.eval;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.greenai.core.UnsupportedModelException;
import io.greenai.core.fit.LinearModel;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.graph.Attributes;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Appends pooling and a linear head to an encoder's graph through its {@link GraphEditor}:
 * {@code last_hidden_state -> pooled [batch, hidden] -> MatMul W + b -> logits [batch, classes]}.
 * Only operators that are the same in every opset from 8 on are used (Gather, Cast, Reshape,
 * Transpose, MatMul, Max, Div, Add), so any exported encoder takes them.
 */
final class HeadGraph {

    /** Name of the pooled sentence vector when it is the graph's output. */
    static final String POOLED = "pooled_embedding";
    /** Name of the classifier's output. */
    static final String LOGITS = "logits";

    private HeadGraph() {
    }

    /** The encoder cut to one output, the pooled sentence vector {@code [batch, hidden]}. */
    static OnnxModel pooled(OnnxModel encoder, Pooling pooling) {
        String hidden = hiddenStateOutput(encoder);
        return encoder.edited(editor -> {
            String pooled = pool(editor, encoder, hidden, pooling);
            String out = editor.addNode("Identity", List.of(pooled), POOLED);
            editor.replaceOutputs(List.of(out));
        });
    }

    /** The encoder with pooling and the head appended; its only output is {@code logits}. */
    static OnnxModel classifier(OnnxModel encoder, Pooling pooling, LinearModel head,
            java.util.Map<String, String> metadata) {
        String hidden = hiddenStateOutput(encoder);
        return encoder.edited(editor -> {
            String pooled = pool(editor, encoder, hidden, pooling);
            String weight = editor.addInitializer("classifier.weight", floats(head.weights(), head.features(),
                    head.outputs()));
            String bias = editor.addInitializer("classifier.bias", floats(new double[][] {head.intercept()}, 1,
                    head.outputs()).toBuilder().clearDims().addDims(head.outputs()).build());
            String product = editor.addNode("MatMul", List.of(pooled, weight), "classifier/matmul");
            String logits = editor.addNode("Add", List.of(product, bias), LOGITS);
            if (!logits.equals(LOGITS)) {
                throw new UnsupportedModelException("model '" + encoder.name() + "' already has a tensor named '"
                        + LOGITS + "'; it seems to end in a classifier already");
            }
            editor.replaceOutputs(List.of(logits));
            metadata.forEach(editor::putMetadata);
        });
    }

    /** The encoder's token-vector output: {@code last_hidden_state}, or its only rank-3 float output. */
    static String hiddenStateOutput(OnnxModel encoder) {
        if (encoder.outputNames().contains("last_hidden_state")) {
            return "last_hidden_state";
        }
        List<String> rank3 = encoder.proto().getGraph().getOutputList().stream()
                .filter(o -> o.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE
                        && o.getType().getTensorType().getShape().getDimCount() == 3)
                .map(ValueInfoProto::getName).toList();
        if (rank3.size() == 1) {
            return rank3.get(0);
        }
        throw new UnsupportedModelException("model '" + encoder.name() + "' has no 'last_hidden_state' output and "
                + rank3.size() + " float outputs of rank 3 (" + rank3 + "); outputs: " + encoder.outputNames());
    }

    private static String pool(GraphEditor editor, OnnxModel encoder, String hidden, Pooling pooling) {
        if (pooling == Pooling.CLS) {
            String index = editor.addInitializer("pooling.cls_index", TensorProto.newBuilder()
                    .setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(0).build());
            return editor.addNode("Gather", List.of(hidden, index), "pooling/cls", Attributes.ofInt("axis", 1));
        }
        if (!encoder.inputNames().contains("attention_mask")) {
            throw new UnsupportedModelException("mean pooling needs the attention mask, and model '" + encoder.name()
                    + "' has no 'attention_mask' input (inputs: " + encoder.inputNames() + "); use CLS pooling");
        }
        // mean = (mask [b,1,s] x hidden [b,s,h]) / (mask [b,1,s] x mask' [b,s,1]), all in MatMuls.
        String mask = editor.addNode("Cast", List.of("attention_mask"), "pooling/mask_float",
                Attributes.ofInt("to", TensorProto.DataType.FLOAT_VALUE));
        String rowShape = editor.addInitializer("pooling.row_shape", Tensors.int64Vector(0, 1, -1));
        String row = editor.addNode("Reshape", List.of(mask, rowShape), "pooling/mask_row");
        String sum = editor.addNode("MatMul", List.of(row, hidden), "pooling/sum");
        String column = editor.addNode("Transpose", List.of(row), "pooling/mask_column", Attributes.ofInts("perm", 0, 2, 1));
        String count = editor.addNode("MatMul", List.of(row, column), "pooling/count");
        String one = editor.addInitializer("pooling.one", TensorProto.newBuilder()
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(1f).build());
        String safeCount = editor.addNode("Max", List.of(count, one), "pooling/count_at_least_one");
        String mean = editor.addNode("Div", List.of(sum, safeCount), "pooling/mean");
        String flatShape = editor.addInitializer("pooling.flat_shape", Tensors.int64Vector(0, -1));
        return editor.addNode("Reshape", List.of(mean, flatShape), "pooling/mean_flat");
    }

    private static TensorProto floats(double[][] values, int rows, int columns) {
        ByteBuffer buffer = ByteBuffer.allocate(rows * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                buffer.putFloat((float) values[r][c]);
            }
        }
        return TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(rows).addDims(columns)
                .setRawData(ByteString.copyFrom(buffer.array())).build();
    }
}
