package io.greenai.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.greenai.core.UnsupportedModelException;
import io.greenai.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The matchers behind discovery, each on one block of a graph from a real exporter. */
class MatchersTest {

    private static GraphView shared(String relative) {
        String configured = System.getProperty("greenai.shared.dir");
        Path path = (configured != null ? Path.of(configured) : Path.of("..", "..", "shared")).resolve(relative);
        Assumptions.assumeTrue(Files.exists(path), "shared test data not found: " + path);
        return new GraphView(OnnxModel.load(path).proto().getGraph());
    }

    private static NodeProto node(GraphView graph, String name) {
        return graph.nodes().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static AttentionMatcher attention(GraphView graph) {
        return new AttentionMatcher(graph, new ProjectionMatcher(graph), "test");
    }

    @Test
    void attentionMatcher_readsPackedOrtAttention() {
        GraphView graph = shared("models/tiny-gpt2-fused.onnx");

        AttentionBlock block = attention(graph).match(node(graph, "GptAttention_1"), "block");

        assertThat(block.kind()).isEqualTo(AttentionKind.ORT_ATTENTION);
        assertThat(block.headCount()).isEqualTo(4);
        assertThat(block.headSize()).isEqualTo(8);
        assertThat(List.of(block.query().offset(), block.key().offset(), block.value().offset()))
                .containsExactly(0, 32, 64);
        assertThat(block.query().weight()).isEqualTo("transformer.h.1.attn.c_attn.weight");
        assertThat(block.output().weight()).isEqualTo("transformer.h.1.attn.c_proj.weight");
        assertThat(block.cache()).isEqualTo(new KvCache(List.of("past_1"), List.of("present_1")));
    }

    @Test
    void attentionMatcher_walksThroughRotaryEmbeddingsToMultiHeadProjections() {
        GraphView graph = shared("models/tiny-llama-fp16/model.onnx");

        AttentionBlock block = attention(graph).match(node(graph, "/model/layers.1/attn/MultiHeadAttention"), "block");

        assertThat(block.kind()).isEqualTo(AttentionKind.ORT_MULTI_HEAD);
        assertThat(block.query().node()).isEqualTo("/model/layers.1/attn/q_proj/MatMul");
        assertThat(block.key().node()).isEqualTo("/model/layers.1/attn/k_proj/MatMul");
        assertThat(block.memory()).isNull();
        assertThat(block.cache().pastInputs()).containsExactly("past_key_values.1.key", "past_key_values.1.value");
        assertThat(block.cache().presentOutputs()).containsExactly("present.1.key", "present.1.value");
    }

    @Test
    void attentionMatcher_readsPackedGemmSplitAndPastConcat() {
        GraphView graph = shared("models/tiny-gpt2-past.onnx");

        AttentionBlock block = attention(graph).match(node(graph, "Softmax_422"), "block");

        assertThat(block.kind()).isEqualTo(AttentionKind.PLAIN);
        assertThat(block.query().node()).isEqualTo("Gemm_314");
        assertThat(List.of(block.query().offset(), block.key().offset(), block.value().offset()))
                .containsExactly(0, 4, 8);
        assertThat(block.query().output()).isEqualTo("query.3");
        assertThat(block.headCount()).isEqualTo(2);
        assertThat(block.cache()).isEqualTo(new KvCache(List.of("past_1"), List.of("present_1")));
    }

    @Test
    void attentionMatcher_namesTheAnchorWhenNoProjectionFeedsIt() {
        GraphView graph = shared("models/tiny-llama-fp16/model.onnx");
        NodeProto anchor = node(graph, "/model/layers.0/attn/MultiHeadAttention").toBuilder()
                .setInput(0, "input_ids").build();

        assertThatThrownBy(() -> attention(graph).match(anchor, "my block"))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("my block")
                .hasMessageContaining("'/model/layers.0/attn/MultiHeadAttention' (MultiHeadAttention)");
    }

    @Test
    void normMatcher_describesFusedBorderNodes() {
        GraphView graph = shared("models/tiny-llama-fp16/model.onnx");
        NodeProto border = node(graph, "/model/layers.1/input_layernorm/SkipLayerNorm");
        NodeProto first = node(graph, "/model/layers.0/input_layernorm/LayerNorm");

        assertThat(NormMatcher.isFusedNorm(border)).isTrue();
        assertThat(NormMatcher.residualOf(border)).isEqualTo("/model/layers.1/input_layernorm/output_3");
        assertThat(NormMatcher.residualOf(first)).isEqualTo("/model/embed_tokens/Gather/output_0");
        assertThat(NormMatcher.parameterSlots(border)).containsExactly(2, -1);
        assertThat(NormMatcher.isRms(border)).isTrue();
    }

    @Test
    void normMatcher_findsDecomposedLayerNormWithCast() {
        GraphView graph = shared("models/tiny-gpt2-past.onnx");

        // GPT-2's ln_1 of layer 1 reads the residual sum '513' through ReduceMean, Sub, Cast, Pow, ... Add.
        assertThat(new NormMatcher(graph).normAfter("513")).contains("526");
    }

    @Test
    void projectionMatcher_passesGemmReshapesBothWays() {
        GraphView graph = shared("models/tiny-gpt2-past.onnx");
        ProjectionMatcher projections = new ProjectionMatcher(graph);

        Projection output = projections.below("389");

        assertThat(output.node()).isEqualTo("Gemm_217");
        assertThat(output.output()).as("after the Reshape that restores [batch, sequence, width]").isEqualTo("437");
        assertThat(projections.source(output.input())).isEqualTo("389");
    }
}
