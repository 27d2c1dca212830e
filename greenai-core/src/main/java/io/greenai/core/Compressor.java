package io.greenai.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fluent entry point: describe the compression, then {@link #build()} a new model.
 *
 * <pre>{@code
 * OnnxModel smaller = Compressor.of(model)
 *         .removeLayers(6)
 *         .pruneMatrices(0.5)
 *         .distillFrom(model)
 *         .quantize(Precision.INT8)
 *         .build();
 * }</pre>
 *
 * <p>Each verb checks its value at once; rules that need the model (a layer index in range) are
 * checked by {@code build()}. Steps run in a fixed order whatever order they are called in:
 * remove layers, prune, distill, quantize. The model given to {@link #of} is never changed, and the
 * compressor can build again.
 *
 * @param <M> the model type
 */
public final class Compressor<M extends CompressibleModel<M>> {

    private final M model;
    private final CompressionPlan.Builder plan = new CompressionPlan.Builder();

    private Compressor(M model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * Starts a compression of {@code model}.
     *
     * @param model the model to compress; it is never modified
     * @param <M> the model type
     * @return a new compressor with an empty plan
     */
    public static <M extends CompressibleModel<M>> Compressor<M> of(M model) {
        return new Compressor<>(model);
    }

    /**
     * Removes {@code n} whole transformer layers of the main stack (the only one, or the encoder of an
     * encoder-decoder). With {@link #calibrateWith calibration texts} the most redundant layers on that
     * data go; otherwise {@link LayerSelection#defaultChoice}.
     *
     * @param n layers to remove, at least 0 and (checked in {@code build()}) below the layer count
     * @return this compressor
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException if layer removal was already set
     */
    public Compressor<M> removeLayers(int n) {
        plan.add(new CompressionStep.RemoveLayers(n));
        return this;
    }

    /**
     * Removes exactly the layers at these indices of the main stack (0 is the layer nearest the input).
     *
     * @param indices distinct, non-negative indices, at least one
     * @return this compressor
     * @throws IllegalArgumentException if an index is negative or repeated, or none is given
     * @throws IllegalStateException if layer removal was already set
     */
    public Compressor<M> removeLayersAt(int... indices) {
        Objects.requireNonNull(indices, "indices");
        List<Integer> boxed = new ArrayList<>();
        for (int index : indices) {
            boxed.add(index);
        }
        plan.add(new CompressionStep.RemoveLayersAt(boxed));
        return this;
    }

    /**
     * Removes {@code n} whole layers of a chosen stack, e.g. the decoder of a T5 model (see
     * {@link ModelStructure#stacks()} for the names). The layers are chosen as by
     * {@link #removeLayers(int)}. One plan removes layers from one stack; to shorten both stacks of an
     * encoder-decoder, compress the result again.
     *
     * @param stack the stack's name, e.g. {@code decoder}; checked against the model in {@code build()}
     * @param n layers to remove, at least 0 and (checked in {@code build()}) below the stack's layer count
     * @return this compressor
     * @throws IllegalArgumentException if {@code n} is negative or the name is malformed
     * @throws IllegalStateException if layer removal was already set
     */
    public Compressor<M> removeLayers(String stack, int n) {
        plan.add(new CompressionStep.RemoveLayers(n, Objects.requireNonNull(stack, "stack")));
        return this;
    }

    /**
     * Removes exactly the layers at these indices of a chosen stack (0 is the stack's layer nearest
     * its input).
     *
     * @param stack the stack's name, e.g. {@code decoder}; checked against the model in {@code build()}
     * @param indices distinct, non-negative indices, at least one
     * @return this compressor
     * @throws IllegalArgumentException if an index is negative or repeated, none is given, or the name
     *     is malformed
     * @throws IllegalStateException if layer removal was already set
     */
    public Compressor<M> removeLayersAt(String stack, int... indices) {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(indices, "indices");
        List<Integer> boxed = new ArrayList<>();
        for (int index : indices) {
            boxed.add(index);
        }
        plan.add(new CompressionStep.RemoveLayersAt(boxed, stack));
        return this;
    }

    /**
     * Removes this fraction of the prunable projection weights: in every layer, that fraction of the
     * attention heads and of the feed-forward neurons of every stack, the least important first (activation-aware with
     * {@link #calibrateWith calibration texts}, weight magnitude otherwise). At least one head and one
     * neuron stay in every layer.
     *
     * @param ratio in [0, 1)
     * @return this compressor
     * @throws IllegalArgumentException if the ratio is NaN or outside [0, 1)
     * @throws IllegalStateException if pruning was already set
     */
    public Compressor<M> pruneMatrices(double ratio) {
        plan.add(new CompressionStep.PruneMatrices(ratio));
        return this;
    }

    /**
     * Removes attention heads and feed-forward neurons with separate ratios and a chosen importance
     * criterion.
     *
     * @param options the ratios and criterion
     * @return this compressor
     * @throws IllegalStateException if pruning was already set
     */
    public Compressor<M> pruneMatrices(PruneOptions options) {
        plan.add(new CompressionStep.PruneMatrices(Objects.requireNonNull(options, "options")));
        return this;
    }

    /**
     * Refits the compressed model to a teacher, usually the original model, in closed form on the
     * calibration data (which it needs): stack by stack, layer by layer, each kept layer's attention
     * output projection (and cross-attention output projection in an encoder-decoder's decoder) and
     * feed-forward down projection are refit so that its residual stream matches the teacher's. Works
     * on residual Adds of plain operators and on ONNX Runtime's fused skip norms, float32 and float16
     * weights, with or without biases; for an encoder-decoder, calibration batches hold the encoder
     * and decoder inputs.
     *
     * @param teacher the teacher
     * @return this compressor
     * @throws IllegalStateException if distillation was already set
     */
    public Compressor<M> distillFrom(M teacher) {
        return distillFrom(teacher, DistillOptions.defaults());
    }

    /**
     * Refits the compressed model to a teacher with the given options.
     *
     * @param teacher the teacher
     * @param options the distillation options
     * @return this compressor
     * @throws IllegalStateException if distillation was already set
     */
    public Compressor<M> distillFrom(M teacher, DistillOptions options) {
        plan.add(new CompressionStep.DistillFrom(Objects.requireNonNull(teacher, "teacher"),
                Objects.requireNonNull(options, "options")));
        return this;
    }

    /**
     * Lowers the precision of the model with the {@link QuantizationOptions#defaults() default
     * options} (target CPU; INT8 activations quantized at run time; INT4 blocks of 32); runs after
     * every other step.
     *
     * @param precision FP16, INT8 or INT4
     * @return this compressor
     * @throws IllegalArgumentException if the precision is FP32
     * @throws IllegalStateException if quantization was already set
     */
    public Compressor<M> quantize(Precision precision) {
        return quantize(precision, QuantizationOptions.defaults());
    }

    /**
     * Lowers the precision of the model with typed options; runs after every other step.
     * {@link QuantizationOptions.Activations#STATIC} INT8 needs {@link #calibrateWith calibration
     * texts} (checked in {@code build()}).
     *
     * @param precision FP16, INT8 or INT4
     * @param options the target hardware, INT8 activation mode and INT4 block size
     * @return this compressor
     * @throws IllegalArgumentException if the precision is FP32, an option does not apply to the
     *     precision, or the target cannot run it (INT8 with dynamic activations on GPU)
     * @throws IllegalStateException if quantization was already set
     */
    public Compressor<M> quantize(Precision precision, QuantizationOptions options) {
        plan.add(new CompressionStep.Quantize(Objects.requireNonNull(precision, "precision"),
                Objects.requireNonNull(options, "options")));
        return this;
    }

    /**
     * Gives unlabeled, in-domain texts that the steps measure the model on (layer redundancy,
     * pruning importance, distillation). A few hundred sentences are typical.
     *
     * @param texts at least one non-blank text
     * @return this compressor
     * @throws IllegalArgumentException if the list is empty or holds a blank text
     * @throws IllegalStateException if calibration texts were already set
     */
    public Compressor<M> calibrateWith(List<String> texts) {
        plan.calibrationTexts(texts);
        return this;
    }

    /**
     * Gives calibration data as raw model inputs, for models without a tokenizer: one map per batch,
     * from input name to {@code [batch][sequence]} values (token ids, masks). For a decoder, token ids
     * alone do: the ONNX backend fills an all-ones mask, positions from 0 and empty key/value caches.
     * (Not an overload of
     * {@link #calibrateWith}: both take a {@code List}, which Java cannot tell apart.)
     *
     * @param batches at least one batch
     * @return this compressor
     * @throws IllegalArgumentException if there is no batch, or a batch is empty or ragged
     * @throws IllegalStateException if calibration data was already set
     */
    public Compressor<M> calibrateWithInputs(List<Map<String, long[][]>> batches) {
        plan.calibrationInputs(batches);
        return this;
    }

    /**
     * Adds the steps of a plan string such as {@code removeLayers=6,quantize=INT8}, through the same
     * checks as the verbs.
     *
     * @param spec the plan string (see {@link CompressionPlan#parse(String)})
     * @return this compressor
     * @throws IllegalArgumentException if the string cannot be read
     * @throws IllegalStateException if a step of the same stage was already set
     */
    public Compressor<M> withPlan(String spec) {
        CompressionPlan.parse(spec).steps().forEach(plan::add);
        return this;
    }

    /**
     * Snapshots the plan as it stands.
     *
     * @return the immutable plan
     */
    public CompressionPlan plan() {
        return plan.build();
    }

    /**
     * Checks the plan against the model and runs it.
     *
     * @return a new model; the one given to {@link #of} is unchanged
     * @throws IllegalArgumentException if a step does not fit the model (e.g. too many layers)
     * @throws IllegalStateException if a step lacks what it needs from the plan (static INT8 without
     *     calibration texts)
     * @throws UnsupportedModelException if the model's structure cannot be understood
     * @throws GreenAiException if a step fails
     */
    public M build() {
        CompressionPlan snapshot = plan();
        snapshot.checkAgainst(model.structure());
        return model.apply(snapshot);
    }
}
