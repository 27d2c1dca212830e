package io.greenai.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelStructureTest {

    private static final LayerInfo LAYER_0 = new LayerInfo(0, 12, 64, 3072, "gelu", NormPlacement.POST);
    private static final LayerInfo LAYER_1 = new LayerInfo(1, 12, 64, 3072, "gelu", NormPlacement.POST);
    private static final LayerInfo LAYER_2 = new LayerInfo(2, 8, 32, 1024, "relu", NormPlacement.PRE);

    @Test
    void layerCount_countsLayers() {
        ModelStructure structure = new ModelStructure("encoder (post-norm)", 768, List.of(LAYER_0, LAYER_1, LAYER_2));

        assertThat(structure.layerCount()).isEqualTo(3);
    }

    @Test
    void describe_writesHeaderAndOneRowPerLayer() {
        ModelStructure structure = new ModelStructure("encoder (post-norm)", 768, List.of(LAYER_0, LAYER_1, LAYER_2));

        List<String> lines = structure.describe().lines().toList();

        // Summary line, column header, then one row per layer (hand-formatted to the column widths).
        assertThat(lines).containsExactly(
                "encoder (post-norm), 3 layers, hidden size 768",
                "layer  heads  head size  ffn size  activation  norm",
                "    0     12         64      3072  gelu        POST",
                "    1     12         64      3072  gelu        POST",
                "    2      8         32      1024  relu        PRE");
    }

    @Test
    void constructor_copiesLayerList() {
        List<LayerInfo> layers = new ArrayList<>(List.of(LAYER_0));
        ModelStructure structure = new ModelStructure("decoder", 64, layers);

        layers.add(LAYER_1);

        assertThat(structure.layerCount()).isEqualTo(1);
    }

    @Test
    void constructor_rejectsNoLayers() {
        assertThatThrownBy(() -> new ModelStructure("encoder", 768, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one layer");
    }

    @Test
    void constructor_rejectsNonPositiveHiddenSize() {
        assertThatThrownBy(() -> new ModelStructure("encoder", 0, List.of(LAYER_0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }

    @Test
    void layerInfo_rejectsZeroHeads() {
        assertThatThrownBy(() -> new LayerInfo(3, 0, 64, 3072, "gelu", NormPlacement.POST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heads=0");
    }

    @Test
    void layerInfo_rejectsNegativeHeadSize() {
        assertThatThrownBy(() -> new LayerInfo(3, 12, -64, 3072, "gelu", NormPlacement.POST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("headSize=-64");
    }

    @Test
    void layerInfo_rejectsZeroFfnSize() {
        assertThatThrownBy(() -> new LayerInfo(3, 12, 64, 0, "gelu", NormPlacement.POST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ffnSize=0");
    }

    @Test
    void layerInfo_rejectsNegativeIndex() {
        assertThatThrownBy(() -> new LayerInfo(-1, 12, 64, 3072, "gelu", NormPlacement.POST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void attentionSize_multipliesHeadsByHeadSize() {
        assertThat(new LayerInfo(0, 12, 64, 3072, "gelu", NormPlacement.POST).attentionSize()).isEqualTo(768);
    }
}
