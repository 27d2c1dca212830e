package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenai.core.LayerInfo;
import io.greenai.core.ModelStructure;
import io.greenai.core.NormPlacement;
import org.junit.jupiter.api.Test;

class TransformerDiscoveryTest {

    @Test
    void structure_findsPostNormFixtureLayout() {
        ModelStructure structure = OnnxModel.of(new TinyTransformer().hidden(12, 3, 20).layers(0, 1, 2).build(), "t")
                .structure();

        assertThat(structure.layerCount()).isEqualTo(3);
        assertThat(structure.hiddenSize()).isEqualTo(12);
        assertThat(structure.layers()).containsExactly(
                new LayerInfo(0, 3, 4, 20, "gelu", NormPlacement.POST),
                new LayerInfo(1, 3, 4, 20, "gelu", NormPlacement.POST),
                new LayerInfo(2, 3, 4, 20, "gelu", NormPlacement.POST));
    }

    @Test
    void structure_findsPreNormAndFusedLayerNormLayouts() {
        ModelStructure pre = OnnxModel.of(new TinyTransformer().preNorm().build(), "pre").structure();
        ModelStructure fused = OnnxModel.of(new TinyTransformer().fusedLayerNorm().build(), "fused").structure();

        assertThat(pre.layers()).allMatch(l -> l.norm() == NormPlacement.PRE && l.headCount() == 2
                && l.headSize() == 4 && l.ffnSize() == 16);
        assertThat(pre.layerCount()).isEqualTo(4);
        assertThat(fused.layers()).allMatch(l -> l.norm() == NormPlacement.POST && l.ffnSize() == 16);
    }

    @Test
    void structure_findsSharedDistilBertLayout() {
        // tiny-distilbert-sst2.config.json: dim 2, n_heads 2, n_layers 2, hidden_dim 2
        ModelStructure structure = OnnxModel.load(Runs.shared("models/tiny-distilbert-sst2.onnx")).structure();

        assertThat(structure.layerCount()).isEqualTo(2);
        assertThat(structure.hiddenSize()).isEqualTo(2);
        assertThat(structure.layers()).allMatch(l -> l.headCount() == 2 && l.headSize() == 1 && l.ffnSize() == 2
                && l.activation().equals("gelu") && l.norm() == NormPlacement.POST);
    }

    @Test
    void structure_findsSharedBertToyLayout() {
        // bert-toy: hidden 32, intermediate 37 (read off its weight shapes), 5 layers
        ModelStructure structure = OnnxModel.load(Runs.shared("models/bert-toy.onnx")).structure();

        assertThat(structure.layerCount()).isEqualTo(5);
        assertThat(structure.hiddenSize()).isEqualTo(32);
        assertThat(structure.layers()).allMatch(l -> l.ffnSize() == 37 && l.attentionSize() == 32);
    }
}
