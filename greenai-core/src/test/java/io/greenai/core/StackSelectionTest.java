package io.greenai.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing a layer stack (the encoder or the decoder of a T5-style model) to remove layers from. */
class StackSelectionTest {

    /** A two-stack stand-in: an encoder of 6 layers and a decoder of 4. */
    record EncoderDecoder(CompressionPlan appliedPlan) implements CompressibleModel<EncoderDecoder> {

        @Override
        public ModelStructure structure() {
            StackInfo encoder = new StackInfo("encoder", "encoder, pre-norm", 512, layers(6, false));
            StackInfo decoder = new StackInfo("decoder", "decoder, pre-norm, cross-attention", 512, layers(4, true));
            return new ModelStructure(encoder.architecture(), 512, encoder.layers(), List.of(encoder, decoder));
        }

        @Override
        public EncoderDecoder apply(CompressionPlan plan) {
            return new EncoderDecoder(plan);
        }

        private static List<LayerInfo> layers(int count, boolean cross) {
            List<LayerInfo> layers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                layers.add(new LayerInfo(i, 8, 64, 2048, "relu", NormPlacement.PRE, 8, cross));
            }
            return layers;
        }
    }

    private static final EncoderDecoder T5 = new EncoderDecoder(null);

    @Test
    void removeLayersAt_namedStackIsCheckedAgainstThatStack() {
        EncoderDecoder result = Compressor.of(T5).removeLayersAt("decoder", 2, 3).build();

        assertThat(result.appliedPlan().step(CompressionStep.RemoveLayersAt.class)).contains(
                new CompressionStep.RemoveLayersAt(List.of(2, 3), "decoder"));
        // Index 5 exists in the 6-layer encoder, not in the 4-layer decoder.
        assertThatThrownBy(() -> Compressor.of(T5).removeLayersAt("decoder", 5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer index 5")
                .hasMessageContaining("4-layer stack 'decoder'");
        assertThat(Compressor.of(T5).removeLayersAt(5).build().appliedPlan()).isNotNull();
    }

    @Test
    void removeLayers_namedStackLeavesAtLeastOneLayer() {
        assertThatThrownBy(() -> Compressor.of(T5).removeLayers("decoder", 4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("removeLayers(4)")
                .hasMessageContaining("stack 'decoder'");
        assertThat(Compressor.of(T5).removeLayers(5).plan().toString()).isEqualTo("removeLayers=5");
    }

    @Test
    void build_rejectsUnknownStackNamingThoseItHas() {
        assertThatThrownBy(() -> Compressor.of(T5).removeLayers("decoders", 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'decoders'")
                .hasMessageContaining("[encoder, decoder]");
    }

    @Test
    void removeLayersAt_rejectsMalformedStackNameAtOnce() {
        assertThatThrownBy(() -> Compressor.of(T5).removeLayersAt("de:coder", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'de:coder'");
        assertThatThrownBy(() -> Compressor.of(T5).removeLayers(" ", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stack name");
    }

    @Test
    void planString_roundTripsNamedStacks() {
        CompressionPlan plan = Compressor.of(T5).removeLayersAt("decoder", 3, 1).pruneMatrices(0.5).plan();

        assertThat(plan.toString()).isEqualTo("removeLayersAt=decoder:1;3,prune=0.5");
        assertThat(CompressionPlan.parse(plan.toString())).isEqualTo(plan);
        assertThat(CompressionPlan.parse("removeLayers=encoder:2").steps())
                .containsExactly(new CompressionStep.RemoveLayers(2, "encoder"));
        assertThat(CompressionPlan.parse("removeLayers=2").steps()).containsExactly(new CompressionStep.RemoveLayers(2));
    }

    @Test
    void modelStructure_findsStacksByNameAndDescribesEach() {
        ModelStructure structure = T5.structure();

        assertThat(structure.stack("decoder").layerCount()).isEqualTo(4);
        assertThat(structure.layerCount()).as("main stack").isEqualTo(6);
        assertThat(structure.describe()).contains("[encoder] encoder, pre-norm, 6 layers, hidden size 512")
                .contains("[decoder] decoder, pre-norm, cross-attention, 4 layers")
                .contains("    3      8         64      2048  relu        PRE, cross-attention");
    }

    @Test
    void modelStructure_rejectsFirstStackThatIsNotTheMainOne() {
        StackInfo encoder = T5.structure().stacks().get(0);
        StackInfo decoder = T5.structure().stacks().get(1);

        assertThatThrownBy(() -> new ModelStructure("x", 512, encoder.layers(), List.of(decoder, encoder)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("main");
        assertThatThrownBy(() -> new ModelStructure("x", 512, encoder.layers(), List.of(encoder, encoder)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeat");
    }

    @Test
    void layerInfo_groupedQueryHeadsMustDivideQueryHeads() {
        assertThat(new LayerInfo(0, 32, 128, 14336, "swiglu", NormPlacement.PRE, 8, false).kvHeadCount()).isEqualTo(8);
        assertThatThrownBy(() -> new LayerInfo(0, 12, 64, 3072, "swiglu", NormPlacement.PRE, 5, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 key/value heads");
        assertThat(new LayerInfo(0, 12, 64, 3072, "gelu", NormPlacement.POST))
                .isEqualTo(new LayerInfo(0, 12, 64, 3072, "gelu", NormPlacement.POST, 12, false));
    }
}
