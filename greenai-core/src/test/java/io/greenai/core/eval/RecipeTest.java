package io.greenai.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenai.core.CompressionPlan;
import io.greenai.core.Compressor;
import io.greenai.core.CompressibleModel;
import io.greenai.core.LayerInfo;
import io.greenai.core.ModelStructure;
import io.greenai.core.NormPlacement;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeTest {

    /** A model that only has a structure; recipes here are only put on compressors, never built. */
    private record Fake() implements CompressibleModel<Fake> {
        @Override
        public ModelStructure structure() {
            List<LayerInfo> layers = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                layers.add(new LayerInfo(i, 12, 32, 1536, "gelu", NormPlacement.POST));
            }
            return new ModelStructure("bert", 384, layers);
        }

        @Override
        public Fake apply(CompressionPlan plan) {
            return this;
        }
    }

    @Test
    void standard_namesTheRecipesInOrderAndChainsInt8OnItsBase() {
        List<Recipe<Fake>> recipes = Recipe.standard(6, 0.5);

        assertThat(recipes).extracting(Recipe::name).containsExactly("Original", "Layer Removal",
                "Layer Removal + INT8", "Matrix Pruning", "Combination", "Combination + INT8");
        assertThat(recipes).extracting(Recipe::base).containsExactly(null, null, "Layer Removal", null, null,
                "Combination");
        assertThat(recipes.get(0).isOriginal()).isTrue();
    }

    @Test
    void standard_combinationPlanRemovesPrunesAndDistills() {
        Fake model = new Fake();
        Recipe<Fake> combination = Recipe.<Fake>standard(4, 0.25).get(4);

        CompressionPlan plan = combination.steps().apply(Compressor.of(model), model, List.of("a text")).plan();

        // The spread rule itself is pinned by LayerSelectionTest; here: the recipe removes that choice.
        String spread = io.greenai.core.LayerSelection.defaultChoice(12, 4).stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(";"));
        assertThat(plan.toString()).isEqualTo("removeLayersAt=" + spread + ",prune=0.25,distill,calibration=1");
    }

    @Test
    void standard_combinationTakesItsOwnRemovalAndPruning() {
        Fake model = new Fake();
        List<Recipe<Fake>> recipes = Recipe.standard(6, 0.5, 3, 0.7);

        String removal = recipes.get(1).steps().apply(Compressor.of(model), model, List.of("a")).plan().toString();
        String pruning = recipes.get(3).steps().apply(Compressor.of(model), model, List.of("a")).plan().toString();
        String combination = recipes.get(4).steps().apply(Compressor.of(model), model, List.of("a")).plan().toString();

        assertThat(removal).isEqualTo("removeLayersAt=1;3;5;6;8;10,distill,calibration=1");
        assertThat(pruning).isEqualTo("prune=0.5,distill,calibration=1");
        assertThat(combination).isEqualTo("removeLayersAt=" + io.greenai.core.LayerSelection.defaultChoice(12, 3)
                .stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(";"))
                + ",prune=0.7,distill,calibration=1");
    }

    @Test
    void recipe_cannotStartFromItself() {
        assertThatThrownBy(() -> new Recipe<Fake>("A", "A", (c, t, x) -> c))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'A'");
    }
}
