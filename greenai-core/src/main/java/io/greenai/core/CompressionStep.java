package io.greenai.core;

import java.util.List;
import java.util.Objects;

/**
 * One immutable step of a {@link CompressionPlan}. Steps run in a fixed order, whatever order they
 * were added in: remove layers, prune matrices, distill, quantize (see {@link Stage}).
 */
public sealed interface CompressionStep {

    /** The fixed order in which plans run their steps. */
    enum Stage {
        /** Drop whole transformer layers. */
        REMOVE,
        /** Remove attention heads and feed-forward neurons. */
        PRUNE,
        /** Refit the student's weights to the teacher. */
        DISTILL,
        /** Lower the numeric precision; always last. */
        QUANTIZE
    }

    /**
     * Returns the stage this step belongs to.
     *
     * @return the stage, which fixes the step's position in a plan
     */
    Stage stage();

    /**
     * Renders the step in the plan-string form that {@link CompressionPlan#parse(String)} reads.
     *
     * @return e.g. {@code removeLayers=6}
     */
    String spec();

    /**
     * Remove {@code count} layers, chosen by measured redundancy when calibration texts are given and
     * by {@link LayerSelection#defaultChoice(int, int)} otherwise.
     *
     * @param count how many layers to remove, at least 0
     * @param stack the name of the layer stack to remove them from (see {@link ModelStructure#stacks()}),
     *     or {@code null} for the main stack
     */
    record RemoveLayers(int count, String stack) implements CompressionStep {
        /**
         * Checks the count and the stack name.
         *
         * @throws IllegalArgumentException if {@code count} is negative or the stack name is malformed
         */
        public RemoveLayers {
            if (count < 0) {
                throw new IllegalArgumentException("layer count to remove must be >= 0: " + count);
            }
            if (stack != null) {
                StackInfo.checkName(stack);
            }
        }

        /**
         * Remove {@code count} layers of the main stack.
         *
         * @param count how many layers to remove, at least 0
         * @throws IllegalArgumentException if {@code count} is negative
         */
        public RemoveLayers(int count) {
            this(count, null);
        }

        @Override
        public Stage stage() {
            return Stage.REMOVE;
        }

        /** Renders {@code removeLayers=6}, or {@code removeLayers=decoder:2} for a named stack. */
        @Override
        public String spec() {
            return "removeLayers=" + (stack == null ? "" : stack + ":") + count;
        }
    }

    /**
     * Remove exactly the layers at these indices.
     *
     * @param indices distinct, non-negative layer indices, kept in ascending order
     * @param stack the name of the layer stack they index (see {@link ModelStructure#stacks()}), or
     *     {@code null} for the main stack
     */
    record RemoveLayersAt(List<Integer> indices, String stack) implements CompressionStep {
        /**
         * Copies, checks and sorts the indices.
         *
         * @throws IllegalArgumentException if the list is empty, an index is negative or repeated, or
         *     the stack name is malformed
         */
        public RemoveLayersAt {
            Objects.requireNonNull(indices, "indices");
            if (indices.isEmpty()) {
                throw new IllegalArgumentException("removeLayersAt needs at least one layer index");
            }
            for (Integer index : indices) {
                if (index == null || index < 0) {
                    throw new IllegalArgumentException("layer index must be >= 0: " + index);
                }
            }
            if (indices.stream().distinct().count() != indices.size()) {
                throw new IllegalArgumentException("layer index repeated in " + indices);
            }
            if (stack != null) {
                StackInfo.checkName(stack);
            }
            indices = indices.stream().sorted().toList();
        }

        /**
         * Remove the layers at these indices of the main stack.
         *
         * @param indices distinct, non-negative layer indices
         * @throws IllegalArgumentException if the list is empty, or an index is negative or repeated
         */
        public RemoveLayersAt(List<Integer> indices) {
            this(indices, null);
        }

        @Override
        public Stage stage() {
            return Stage.REMOVE;
        }

        /** Renders {@code removeLayersAt=9;10;11}, or {@code removeLayersAt=decoder:4;5} for a named stack. */
        @Override
        public String spec() {
            StringBuilder out = new StringBuilder("removeLayersAt=");
            if (stack != null) {
                out.append(stack).append(':');
            }
            for (int i = 0; i < indices.size(); i++) {
                out.append(i == 0 ? "" : ";").append(indices.get(i));
            }
            return out.toString();
        }
    }

    /**
     * Remove whole attention heads and feed-forward neurons: in each layer, {@code headRatio} of the
     * heads and {@code ffnRatio} of the neurons, the least important first; at least one head and one
     * neuron stay in every layer.
     *
     * @param headRatio fraction of heads to remove, in [0, 1)
     * @param ffnRatio fraction of neurons to remove, in [0, 1)
     * @param importance how heads and neurons are ranked
     */
    record PruneMatrices(double headRatio, double ffnRatio, PruneOptions.Importance importance)
            implements CompressionStep {
        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException if a ratio is NaN or outside [0, 1)
         */
        public PruneMatrices {
            PruneOptions.checkRatio("ratio", headRatio);
            PruneOptions.checkRatio("ratio", ffnRatio);
            Objects.requireNonNull(importance, "importance");
        }

        /**
         * The same ratio for heads and neurons, ranked by {@link PruneOptions.Importance#AUTO}.
         *
         * @param ratio in [0, 1)
         * @throws IllegalArgumentException if the ratio is NaN or outside [0, 1)
         */
        public PruneMatrices(double ratio) {
            this(ratio, ratio, PruneOptions.Importance.AUTO);
        }

        /**
         * Builds the step from options.
         *
         * @param options the options
         */
        public PruneMatrices(PruneOptions options) {
            this(options.headRatio(), options.ffnRatio(), options.importance());
        }

        @Override
        public Stage stage() {
            return Stage.PRUNE;
        }

        /**
         * Renders {@code prune=0.5} for a uniform ratio with the default importance, otherwise e.g.
         * {@code prune=heads:0.25;ffn:0.5;importance:magnitude}.
         */
        @Override
        public String spec() {
            if (headRatio == ffnRatio && importance == PruneOptions.Importance.AUTO) {
                return "prune=" + headRatio;
            }
            String spec = "prune=heads:" + headRatio + ";ffn:" + ffnRatio;
            return importance == PruneOptions.Importance.AUTO ? spec
                    : spec + ";importance:" + importance.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Refit the compressed student to a teacher.
     *
     * @param teacher the teacher model, or {@code null} for the model being compressed
     * @param options the distillation options
     */
    record DistillFrom(CompressibleModel<?> teacher, DistillOptions options) implements CompressionStep {
        /** Checks the options are given. */
        public DistillFrom {
            Objects.requireNonNull(options, "options");
        }

        /**
         * Distils with the default options.
         *
         * @param teacher the teacher model, or {@code null} for the model being compressed
         */
        public DistillFrom(CompressibleModel<?> teacher) {
            this(teacher, DistillOptions.defaults());
        }

        @Override
        public Stage stage() {
            return Stage.DISTILL;
        }

        /** Renders {@code distill}, or {@code distill=ridge:1.0E-4} when the ridge is not the default. */
        @Override
        public String spec() {
            return options.ridge() == DistillOptions.DEFAULT_RIDGE ? "distill" : "distill=ridge:" + options.ridge();
        }
    }

    /**
     * Lower the precision of weights (and, for INT8, activations).
     *
     * @param precision the target precision
     */
    record Quantize(Precision precision) implements CompressionStep {
        /** Checks the precision is given. */
        public Quantize {
            Objects.requireNonNull(precision, "precision");
        }

        @Override
        public Stage stage() {
            return Stage.QUANTIZE;
        }

        @Override
        public String spec() {
            return "quantize=" + precision;
        }
    }
}
