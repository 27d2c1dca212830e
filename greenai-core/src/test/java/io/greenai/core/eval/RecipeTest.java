package io.greenai.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenai.core.CompressionPlan;
import io.greenai.core.Compressor;
import io.greenai.core.CompressibleModel;
import io.greenai.core.ModelStructure;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeTest {

    /** A model that only has a structure; recipes here are only put on compressors, never built. */
    private record Fake() implements CompressibleModel<Fake> {
        @Override
        public ModelStructure structure() {
            throw new UnsupportedOperationException("not needed to write a plan");
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

        assertThat(plan.toString()).isEqualTo("removeLayers=4,prune=0.25,distill,calibration=1");
    }

    @Test
    void recipe_cannotStartFromItself() {
        assertThatThrownBy(() -> new Recipe<Fake>("A", "A", (c, t, x) -> c))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'A'");
    }
}
