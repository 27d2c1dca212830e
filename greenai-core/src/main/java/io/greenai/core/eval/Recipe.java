package io.greenai.core.eval;

import io.greenai.core.CompressibleModel;
import io.greenai.core.Compressor;
import io.greenai.core.LayerSelection;
import io.greenai.core.Precision;
import java.util.List;
import java.util.Objects;

/**
 * A named way to compress a model, such as {@code Layer Removal}: the steps to put on a
 * {@link Compressor}, given the original model (the teacher for distillation) and in-domain
 * calibration texts. A recipe may start from another recipe's result ({@link #base()}), so that
 * {@code Combination + INT8} quantizes the {@code Combination} model instead of building it again.
 *
 * <pre>{@code
 * Recipe<OnnxModel> removal = Recipe.of("Layer Removal",
 *         (c, teacher, texts) -> c.calibrateWith(texts).removeLayers(6).distillFrom(teacher));
 * Recipe<OnnxModel> removalInt8 = removal.then("Layer Removal + INT8", (c, t, texts) -> c.quantize(Precision.INT8));
 * }</pre>
 *
 * @param name the name shown in reports
 * @param base the name of the recipe whose result this one starts from, or null for the original
 * @param steps puts the steps on the compressor
 * @param <M> the model type
 */
public record Recipe<M extends CompressibleModel<M>>(String name, String base, Steps<M> steps) {

    /** The name of the recipe that leaves the model as it is. */
    public static final String ORIGINAL = "Original";

    /**
     * Puts a recipe's steps on a compressor.
     *
     * @param <M> the model type
     */
    @FunctionalInterface
    public interface Steps<M extends CompressibleModel<M>> {

        /**
         * Adds the steps.
         *
         * @param compressor a fresh compressor of the model the recipe starts from
         * @param teacher the original model
         * @param calibrationTexts unlabeled in-domain texts, at least one
         * @return the compressor with the steps added
         */
        Compressor<M> apply(Compressor<M> compressor, M teacher, List<String> calibrationTexts);
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the name is blank or the recipe is its own base
     */
    public Recipe {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(steps, "steps");
        if (name.isBlank()) {
            throw new IllegalArgumentException("recipe name is blank");
        }
        if (name.equals(base)) {
            throw new IllegalArgumentException("recipe '" + name + "' cannot start from itself");
        }
    }

    /**
     * A recipe that starts from the original model.
     *
     * @param name the name
     * @param steps the steps
     * @param <M> the model type
     * @return the recipe
     */
    public static <M extends CompressibleModel<M>> Recipe<M> of(String name, Steps<M> steps) {
        return new Recipe<>(name, null, steps);
    }

    /**
     * The recipe that leaves the model as it is; every evaluation measures it first.
     *
     * @param <M> the model type
     * @return the recipe named {@value #ORIGINAL}
     */
    public static <M extends CompressibleModel<M>> Recipe<M> original() {
        return of(ORIGINAL, (c, teacher, texts) -> c);
    }

    /**
     * A recipe that starts from this recipe's result.
     *
     * @param name the new recipe's name
     * @param more the steps to add to this recipe's result
     * @return the new recipe
     */
    public Recipe<M> then(String name, Steps<M> more) {
        return new Recipe<>(name, this.name, more);
    }

    /**
     * Tells whether this is the recipe that leaves the model as it is.
     *
     * @return true for {@link #original()}
     */
    public boolean isOriginal() {
        return ORIGINAL.equals(name) && base == null;
    }

    /**
     * The recipes of GreenAI's evaluation with one setting for removal and one for pruning: as
     * {@link #standard(int, double, int, double) standard(n, r, n, r)}, where Combination removes the
     * same layers as Layer Removal and prunes as much as Matrix Pruning.
     *
     * @param layersToRemove layers that Layer Removal and Combination remove, at least 1
     * @param pruneRatio the share of heads and neurons that Matrix Pruning and Combination remove
     * @param <M> the model type
     * @return the recipes
     */
    public static <M extends CompressibleModel<M>> List<Recipe<M>> standard(int layersToRemove, double pruneRatio) {
        return standard(layersToRemove, pruneRatio, layersToRemove, pruneRatio);
    }

    /**
     * The recipes of GreenAI's evaluation, in order: Original; Layer Removal (remove
     * {@code layersToRemove} layers, kept layers spread evenly with the first and last kept, then
     * distill on the calibration texts); Layer Removal + INT8; Matrix Pruning ({@code pruneRatio} of
     * the heads and neurons, activation-aware, then distill); Combination (remove
     * {@code combinationLayers} layers and prune {@code combinationRatio}, distilled);
     * Combination + INT8.
     *
     * <p>The layers are the {@link LayerSelection#defaultChoice spread choice}, not the most redundant
     * on the calibration texts: on SST-2 with bge-small-en-v1.5 and a logistic head, removing 6 layers
     * and distilling kept 80.5% dev accuracy with the spread choice (layers 1,3,5,6,8,10 removed)
     * against 77.9% with the redundancy choice (1,2,4,5,6,11), of 87.7% for the original.
     *
     * <p>Combination has its own settings because, at the same compute, pruning keeps more accuracy
     * than removing layers: GreenAI's main job removes 3 layers and prunes 0.7 there, at about the
     * cost of removing 6 and pruning 0.5, and keeps more accuracy.
     *
     * @param layersToRemove layers that Layer Removal removes, at least 1
     * @param pruneRatio the share of heads and neurons that Matrix Pruning removes
     * @param combinationLayers layers that Combination removes, at least 1
     * @param combinationRatio the share of heads and neurons that Combination removes
     * @param <M> the model type
     * @return the recipes
     */
    public static <M extends CompressibleModel<M>> List<Recipe<M>> standard(int layersToRemove, double pruneRatio,
            int combinationLayers, double combinationRatio) {
        Recipe<M> removal = of("Layer Removal", (c, teacher, texts) -> c.calibrateWith(texts)
                .removeLayersAt(spread(teacher, layersToRemove)).distillFrom(teacher));
        Recipe<M> pruning = of("Matrix Pruning",
                (c, teacher, texts) -> c.calibrateWith(texts).pruneMatrices(pruneRatio).distillFrom(teacher));
        Recipe<M> combination = of("Combination", (c, teacher, texts) -> c.calibrateWith(texts)
                .removeLayersAt(spread(teacher, combinationLayers)).pruneMatrices(combinationRatio)
                .distillFrom(teacher));
        return List.of(original(), removal,
                removal.then("Layer Removal + INT8", (c, teacher, texts) -> c.quantize(Precision.INT8)),
                pruning, combination,
                combination.then("Combination + INT8", (c, teacher, texts) -> c.quantize(Precision.INT8)));
    }

    /** The spread choice of {@code n} layers to remove, as indices (at least one layer is kept). */
    private static int[] spread(CompressibleModel<?> teacher, int n) {
        int layers = teacher.structure().layerCount();
        if (n >= layers) {
            throw new IllegalArgumentException("cannot remove " + n + " of " + layers + " layers");
        }
        return LayerSelection.defaultChoice(layers, n).stream().mapToInt(Integer::intValue).toArray();
    }
}
