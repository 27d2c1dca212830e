package io.greenai.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphEditorTest {

    private static NodeProto node(String op, String input, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(op + "/" + output).addInput(input).addOutput(output).build();
    }

    /** x -> Relu -> a -> Neg -> y, with value_info for a and an initializer w nobody reads. */
    private static ModelProto model() {
        GraphProto graph = GraphProto.newBuilder()
                .addNode(node("Relu", "x", "a")).addNode(node("Neg", "a", "y"))
                .addInitializer(TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addFloatData(1f))
                .addInput(ValueInfoProto.newBuilder().setName("x")).addOutput(ValueInfoProto.newBuilder().setName("y"))
                .addValueInfo(ValueInfoProto.newBuilder().setName("a")).build();
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(11)).setGraph(graph).build();
    }

    @Test
    void replace_putsNodesWhereTheOldOneWas() {
        ModelProto model = model();
        GraphEditor editor = new GraphEditor(model);

        editor.replace(model.getGraph().getNode(0), List.of(node("Abs", "x", "b"), node("Relu", "b", "a")));

        assertThat(editor.build().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .containsExactly("Abs", "Relu", "Neg");
        assertThat(model.getGraph().getNodeCount()).isEqualTo(2);
    }

    @Test
    void remove_rejectsNodeNotInTheGraphNamingIt() {
        GraphEditor editor = new GraphEditor(model());

        assertThatThrownBy(() -> editor.remove(node("Abs", "x", "z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Abs/z");
    }

    @Test
    void addInitializer_rejectsTakenNameAndReservesNewOnes() {
        GraphEditor editor = new GraphEditor(model());
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).build();

        assertThatThrownBy(() -> editor.addInitializer(w)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'");
        editor.addInitializer(w.toBuilder().setName("w2").build());
        assertThat(editor.uniqueName("w2")).isEqualTo("w2_1");
        assertThat(editor.initializer("w2")).isNotNull();
    }

    @Test
    void replaceInitializer_needsAnExistingName() {
        GraphEditor editor = new GraphEditor(model());
        TensorProto half = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT16_VALUE)
                .addInt32Data(0x3C00).build();

        editor.replaceInitializer(half);

        assertThat(editor.build().getGraph().getInitializer(0).getDataType())
                .isEqualTo(TensorProto.DataType.FLOAT16_VALUE);
        assertThatThrownBy(() -> editor.replaceInitializer(half.toBuilder().setName("v").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'v'");
    }

    @Test
    void requireOpset_importsDomainOnceAndKeepsHigherVersion() {
        GraphEditor editor = new GraphEditor(model());

        editor.requireOpset("com.microsoft", 1);
        editor.requireOpset("com.microsoft", 1);
        editor.requireOpset("", 9);

        assertThat(editor.build().getOpsetImportList()).containsExactly(
                OperatorSetIdProto.newBuilder().setDomain("").setVersion(11).build(),
                OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1).build());
        assertThat(editor.opsetVersion("ai.onnx")).isEqualTo(11);
    }

    @Test
    void clearValueInfo_dropsStaleTypes() {
        GraphEditor editor = new GraphEditor(model());
        assertThat(editor.build().getGraph().getValueInfoCount()).isEqualTo(1);

        editor.clearValueInfo();

        assertThat(editor.build().getGraph().getValueInfoCount()).isZero();
    }
}
