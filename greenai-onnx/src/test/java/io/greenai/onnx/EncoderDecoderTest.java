package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenai.core.Compressor;
import io.greenai.core.LayerInfo;
import io.greenai.core.ModelStructure;
import io.greenai.core.NormPlacement;
import io.greenai.core.StackInfo;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.runtime.FloatTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A T5-layout encoder-decoder built in code ({@link TinyT5}): two layer stacks in one graph, RMSNorm
 * without bias, a relative position bias shared by the layers of each stack, cross-attention to the
 * encoder's output. Each oracle is the same fixture built without the removed layers, or the
 * zeroed-rows reference for pruning.
 */
class EncoderDecoderTest {

    private static final double TOLERANCE = 1e-4;

    private static Map<String, FloatTensor> run(OnnxModel model) {
        return Runs.run(model, TinyT5.sampleInputs());
    }

    private static void assertSameOutputs(OnnxModel actual, OnnxModel expected) {
        Map<String, FloatTensor> got = run(actual);
        Map<String, FloatTensor> want = run(expected);
        assertThat(got.keySet()).containsExactly("logits", "encoder_last_hidden_state");
        got.forEach((name, tensor) -> assertThat(tensor.maxAbsDifference(want.get(name))).as(name)
                .isLessThan(TOLERANCE));
    }

    @Test
    void structure_findsEncoderAndDecoderStacks() {
        ModelStructure structure = OnnxModel.of(new TinyT5().build(), "t5").structure();

        assertThat(structure.stacks()).extracting(StackInfo::name).containsExactly("encoder", "decoder");
        assertThat(structure.layers()).as("the main stack is the encoder").isEqualTo(structure.stack("encoder").layers());
        assertThat(structure.stack("encoder").layers()).containsExactly(
                new LayerInfo(0, 2, 4, 16, "relu", NormPlacement.PRE),
                new LayerInfo(1, 2, 4, 16, "relu", NormPlacement.PRE),
                new LayerInfo(2, 2, 4, 16, "relu", NormPlacement.PRE));
        assertThat(structure.stack("decoder").layers()).allMatch(l -> l.crossAttention() && l.headCount() == 2);
        assertThat(structure.describe()).contains("[decoder] decoder, pre-norm, plain attention, cross-attention");
    }

    @Test
    void structure_findsSharedRelativePositionBiasAndEncoderMemory() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");

        List<LayerBlock> decoder = model.transformerStack("decoder").layers();

        assertThat(decoder).allMatch(l -> "decoder/relative_attention_bias/position_bias".equals(l.attention().scoreBias()));
        assertThat(decoder).allMatch(l -> l.crossAttention().memory().equals("encoder_last_hidden_state")
                && l.crossAttention().scoreBias() == null);
        assertThat(model.transformerStack().layers())
                .allMatch(l -> "encoder/relative_attention_bias/position_bias".equals(l.attention().scoreBias()));
    }

    @Test
    void removeLayersAt_decoderLayerMatchesModelBuiltWithoutIt() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");

        OnnxModel smaller = Compressor.of(model).removeLayersAt("decoder", 1).build();

        assertSameOutputs(smaller, OnnxModel.of(new TinyT5().decoderLayers(0, 2).build(), "expected"));
        assertThat(smaller.structure().stack("decoder").layerCount()).isEqualTo(2);
        assertThat(smaller.structure().stack("encoder").layerCount()).isEqualTo(3);
        assertThat(smaller.metadata()).containsEntry("greenai.removed_layers", "decoder:1")
                .containsEntry("greenai.plan", "removeLayersAt=decoder:1");
        DecoderLayerRemovalTest.assertChanged(run(smaller).get("logits"), run(model).get("logits"));
    }

    @Test
    void removeLayersAt_firstDecoderLayerThatComputesThePositionBias() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");

        OnnxModel smaller = Compressor.of(model).withPlan("removeLayersAt=decoder:0").build();

        assertSameOutputs(smaller, OnnxModel.of(new TinyT5().decoderLayers(1, 2).build(), "expected"));
    }

    @Test
    void removeLayersAt_mainStackIsTheEncoder() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");

        OnnxModel smaller = Compressor.of(model).removeLayersAt(0).build();

        assertSameOutputs(smaller, OnnxModel.of(new TinyT5().encoderLayers(1, 2).build(), "expected"));
        assertThat(smaller.metadata()).containsEntry("greenai.removed_layers", "0");
    }

    @Test
    void removeLayersAt_lastEncoderLayerGivesOriginalIntermediateTensor() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");
        OnnxModel probe = model.exposeTensors(List.of("encoder/layer1/out"));

        OnnxModel smaller = Compressor.of(model).removeLayersAt("encoder", 2).build();

        // The encoder's last residual tensor is the original's layer-1 output, and everything after it
        // matches the model built with two encoder layers.
        FloatTensor expected = run(probe).get("encoder/layer1/out");
        FloatTensor actual = run(smaller.exposeTensors(List.of("encoder/layer1/out"))).get("encoder/layer1/out");
        assertThat(actual.maxAbsDifference(expected)).isLessThan(TOLERANCE);
        assertSameOutputs(smaller, OnnxModel.of(new TinyT5().encoderLayers(0, 1).build(), "expected"));
    }

    @Test
    void removeLayers_defaultChoiceOnDecoderKeepsTheLastLayer() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");

        OnnxModel smaller = Compressor.of(model).removeLayers("decoder", 2).build();

        assertSameOutputs(smaller, OnnxModel.of(new TinyT5().decoderLayers(2).build(), "expected"));
        assertThat(smaller.metadata()).containsEntry("greenai.removed_layers", "decoder:0,1");
    }

    @Test
    void removeLayersAt_bothStacksInTurn() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");

        OnnxModel smaller = Compressor.of(Compressor.of(model).removeLayersAt("encoder", 1).build())
                .removeLayersAt("decoder", 0, 2).build();

        assertSameOutputs(smaller, OnnxModel.of(new TinyT5().encoderLayers(0, 2).decoderLayers(1).build(), "expected"));
        assertThat(smaller.metadata()).containsEntry("greenai.plan",
                "removeLayersAt=encoder:1 | removeLayersAt=decoder:0;2");
    }

    @Test
    void build_rejectsUnknownStackNamingTheStacks() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");

        assertThatThrownBy(() -> Compressor.of(model).removeLayersAt("decoders", 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'decoders'")
                .hasMessageContaining("[encoder, decoder]");
        assertThatThrownBy(() -> Compressor.of(model).removeLayers("decoder", 3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stack 'decoder'");
    }

    @Test
    void pruneMatrices_bothStacksMatchZeroedRowsWithSlicedPositionBias() {
        OnnxModel model = OnnxModel.of(new TinyT5().build(), "t5");

        OnnxModel pruned = Compressor.of(model).pruneMatrices(0.5).build();

        OnnxModel reference = PruningOracle.reference(model, pruned);
        assertSameOutputs(pruned, reference);
        ModelStructure structure = pruned.structure();
        assertThat(structure.stacks()).allSatisfy(s -> assertThat(s.layers())
                .allMatch(l -> l.headCount() == 1 && l.ffnSize() == 8));
        assertThat(pruned.metadata().get("greenai.pruned")).startsWith("encoder.0:1/2h,8/16n;")
                .contains("decoder.2:1/2h,8/16n");
        assertThat(pruned.proto().getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("Gather")
                && n.getName().startsWith("greenai/prune/")).hasSize(6);
    }

    @Test
    void removeLayersAt_splitDecoderExportDropsThePresentsOfTheRemovedLayer() {
        OnnxModel model = OnnxModel.of(new TinyT5().decoderOnly().build(), "decoder_model");
        DecoderFeeds feeds = new DecoderFeeds(2, 4, 0, TinyT5.VOCAB);
        ModelStructure structure = model.structure();

        OnnxModel smaller = Compressor.of(model).removeLayersAt(1).build();

        assertThat(structure.stacks()).extracting(StackInfo::name).containsExactly("decoder");
        assertThat(structure.layers()).allMatch(LayerInfo::crossAttention);
        assertThat(smaller.outputNames()).containsExactly("logits", "present.0.decoder.key", "present.0.decoder.value",
                "present.0.encoder.key", "present.0.encoder.value", "present.2.decoder.key", "present.2.decoder.value",
                "present.2.encoder.key", "present.2.encoder.value");
        OnnxModel expected = OnnxModel.of(new TinyT5().decoderOnly().decoderLayers(0, 2).build(), "expected");
        Map<String, FloatTensor> got = feeds.run(smaller);
        Map<String, FloatTensor> want = feeds.run(expected);
        assertThat(got.get("logits").maxAbsDifference(want.get("logits"))).isLessThan(TOLERANCE);
        assertThat(got.get("present.2.encoder.value").maxAbsDifference(want.get("present.1.encoder.value")))
                .isLessThan(TOLERANCE);
    }

    @Test
    void pruneMatrices_splitDecoderExportMatchesZeroedRows() {
        OnnxModel model = OnnxModel.of(new TinyT5().decoderOnly().build(), "decoder_model");
        DecoderFeeds feeds = new DecoderFeeds(2, 4, 0, TinyT5.VOCAB);

        OnnxModel pruned = Compressor.of(model).pruneMatrices(0.5).build();

        Map<String, FloatTensor> got = feeds.run(pruned);
        Map<String, FloatTensor> want = feeds.run(PruningOracle.reference(model, pruned));
        assertThat(got.get("logits").maxAbsDifference(want.get("logits"))).isLessThan(TOLERANCE);
        // Cross-attention keeps its heads: its cached keys and values are unchanged.
        assertThat(got.get("present.1.encoder.key").maxAbsDifference(want.get("present.1.encoder.key")))
                .isLessThan(TOLERANCE);
        assertThat(got.get("present.1.decoder.key").shape()[1]).isEqualTo(1);
    }
}
