package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.Compressor;
import io.greenai.core.UnsupportedModelException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Architectures outside the supported layouts: discovery refuses them with an
 * {@link UnsupportedModelException} that names the first node it could not place, before any edit.
 */
class UnsupportedLayoutTest {

    /** Applies a change to every node of a copy of the model. */
    private static ModelProto editNodes(ModelProto proto, UnaryOperator<NodeProto> change) {
        var graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            graph.setNode(i, change.apply(graph.getNode(i)));
        }
        return proto.toBuilder().setGraph(graph).build();
    }

    @Test
    void structure_rejectsUnknownFusedAttentionNamingIt() {
        ModelProto llama = OnnxModel.load(Runs.shared("models/tiny-llama-fp16/model.onnx")).proto();
        OnnxModel model = OnnxModel.of(editNodes(llama, n -> n.getOpType().equals("MultiHeadAttention")
                ? n.toBuilder().setOpType("DecoderMaskedMultiHeadAttention").build() : n), "masked");

        assertThatThrownBy(model::structure).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'/model/layers.0/attn/MultiHeadAttention' (DecoderMaskedMultiHeadAttention)")
                .hasMessageContaining("cannot be placed");
        assertThatThrownBy(() -> Compressor.of(model).removeLayers(1).build())
                .isInstanceOf(UnsupportedModelException.class);
    }

    @Test
    void structure_rejectsAlreadyQuantizedGraphNamingTheFirstQuantizedNode() {
        ModelProto gpt2 = OnnxModel.load(Runs.shared("models/tiny-gpt2-fused.onnx")).proto();
        OnnxModel model = OnnxModel.of(editNodes(gpt2, n -> n.getName().equals("FullyConnect_MatMul_2")
                ? n.toBuilder().setOpType("MatMulNBits").setDomain("com.microsoft").build() : n), "quantized");

        assertThatThrownBy(model::structure).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'FullyConnect_MatMul_2' (MatMulNBits)").hasMessageContaining("already quantized");
    }

    @Test
    void structure_rejectsStandardOnnxAttentionNamingIt() {
        ModelProto gpt2 = OnnxModel.load(Runs.shared("models/tiny-gpt2-fused.onnx")).proto();
        OnnxModel model = OnnxModel.of(editNodes(gpt2, n -> n.getName().equals("GptAttention_0")
                ? n.toBuilder().setDomain("").build() : n), "onnx-attention");

        assertThatThrownBy(model::structure).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'GptAttention_0' (Attention)");
    }

    @Test
    void structure_rejectsSoftmaxOutsideAttentionNamingIt() {
        ModelProto proto = new TinyTransformer().build();
        var graph = proto.getGraph().toBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Softmax").setName("classifier_softmax")
                        .addInput("last_hidden_state").addOutput("probabilities"))
                .addOutput(TinyTransformer.valueInfo("probabilities", TensorProto.DataType.FLOAT_VALUE, "batch",
                        "sequence", "8"));
        OnnxModel model = OnnxModel.of(proto.toBuilder().setGraph(graph).build(), "with-softmax");

        assertThatThrownBy(model::structure).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'classifier_softmax' (Softmax)")
                .hasMessageContaining("no query-key MatMul feeds the Softmax");
    }

    @Test
    void structure_rejectsParallelAttentionAndFeedForwardNamingTheProjection() {
        // GPT-J / Falcon style: the feed-forward block reads the attention's normed input instead of
        // the norm of the residual sum after attention.
        ModelProto proto = new TinyTransformer().preNorm().build();
        OnnxModel model = OnnxModel.of(editNodes(proto, n -> n.getOutput(0).equals("layer1/ffn/up/matmul")
                ? n.toBuilder().setInput(0, "layer1/norm1/out").build() : n), "parallel");

        assertThatThrownBy(model::structure).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'MatMul_").hasMessageContaining("reads 'layer1/norm1/out'");
    }

    @Test
    void structure_rejectsCrossAttentionWithoutSelfAttentionNamingIt() {
        // A decoder layer whose self-attention was replaced by an identity: the cross-attention block
        // follows nothing GreenAI can place.
        ModelProto proto = new TinyT5().decoderLayers(0).build();
        ModelProto edited = HandEdits.readInstead(proto, "decoder/layer0/residual1", "decoder/embedded");
        OnnxModel model = OnnxModel.of(edited, "no-self-attention");

        assertThatThrownBy(model::structure).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("(Softmax)");
    }
}
