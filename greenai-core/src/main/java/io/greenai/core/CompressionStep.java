package io.greenai.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
     * Lower the precision of weights (and, for INT8, activations), with typed options.
     *
     * <p>Its plan-string form is the precision followed by the options that differ from
     * {@link QuantizationOptions#defaults()}, joined by dashes: {@code quantize=INT8} (dynamic, CPU),
     * {@code quantize=INT8-static}, {@code quantize=INT4-b64}, {@code quantize=FP16-gpu}.
     *
     * @param precision the target precision: FP16, INT8 or INT4
     * @param options the target hardware, INT8 activation mode and INT4 block size
     */
    record Quantize(Precision precision, QuantizationOptions options) implements CompressionStep {
        /**
         * Checks that the precision is a quantization and that the options fit it.
         *
         * @throws IllegalArgumentException if the precision is FP32, an option does not apply to the
         *     precision (static activations other than INT8, a block size other than INT4's), or the
         *     target cannot run the precision (INT8 with dynamic activations on GPU)
         */
        public Quantize {
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(options, "options");
            if (precision == Precision.FP32) {
                throw new IllegalArgumentException("quantize(FP32) would change nothing: models are exported in FP32; "
                        + "choose FP16, INT8 or INT4");
            }
            if (options.activations() == QuantizationOptions.Activations.STATIC && precision != Precision.INT8) {
                throw new IllegalArgumentException("static activation scales apply to INT8 only; " + precision
                        + " keeps float activations");
            }
            if (options.blockSize() != QuantizationOptions.DEFAULT_BLOCK_SIZE && precision != Precision.INT4) {
                throw new IllegalArgumentException("a block size (" + options.blockSize() + ") applies to INT4 only, not "
                        + precision);
            }
            if (precision == Precision.INT8 && options.activations() == QuantizationOptions.Activations.DYNAMIC
                    && options.target() == QuantizationOptions.Target.GPU) {
                throw new IllegalArgumentException("INT8 with dynamic activations cannot target GPU: it emits "
                        + "com.microsoft.DynamicQuantizeMatMul, which ONNX Runtime runs on CPU only; for GPU choose "
                        + "INT8 with static activations (QDQ), INT4 or FP16");
            }
        }

        /**
         * Lowers the precision with {@link QuantizationOptions#defaults()}.
         *
         * @param precision the target precision: FP16, INT8 or INT4
         * @throws IllegalArgumentException if the precision is FP32
         */
        public Quantize(Precision precision) {
            this(precision, QuantizationOptions.defaults());
        }

        @Override
        public Stage stage() {
            return Stage.QUANTIZE;
        }

        @Override
        public String spec() {
            StringBuilder spec = new StringBuilder("quantize=").append(precision);
            if (options.activations() == QuantizationOptions.Activations.STATIC) {
                spec.append("-static");
            }
            if (options.blockSize() != QuantizationOptions.DEFAULT_BLOCK_SIZE) {
                spec.append("-b").append(options.blockSize());
            }
            if (options.target() == QuantizationOptions.Target.GPU) {
                spec.append("-gpu");
            }
            return spec.toString();
        }

        /**
         * Reads the value of a {@code quantize=} plan step, e.g. {@code INT8}, {@code INT8-static},
         * {@code INT4-b64-gpu}: a precision, then options in any order ({@code static} or
         * {@code dynamic}, {@code b<size>}, {@code cpu} or {@code gpu}), case-insensitive.
         *
         * @param value the text after {@code quantize=}
         * @return the step
         * @throws IllegalArgumentException naming the part that cannot be read, or if the options do
         *     not fit the precision
         */
        public static Quantize parse(String value) {
            String[] parts = value.trim().split("-", -1);
            Precision precision;
            try {
                precision = Precision.valueOf(parts[0].trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown precision 'quantize=" + value + "'; choose one of "
                        + Arrays.toString(Precision.values()), e);
            }
            QuantizationOptions.Builder options = QuantizationOptions.builder();
            for (int i = 1; i < parts.length; i++) {
                String option = parts[i].trim().toLowerCase(Locale.ROOT);
                switch (option) {
                    case "static" -> options.activations(QuantizationOptions.Activations.STATIC);
                    case "dynamic" -> options.activations(QuantizationOptions.Activations.DYNAMIC);
                    case "cpu" -> options.target(QuantizationOptions.Target.CPU);
                    case "gpu" -> options.target(QuantizationOptions.Target.GPU);
                    default -> {
                        if (option.matches("b[0-9]{1,9}")) {
                            options.blockSize(Integer.parseInt(option.substring(1)));
                        } else {
                            throw new IllegalArgumentException("unknown quantization option '" + parts[i]
                                    + "' in 'quantize=" + value + "'; options are static, dynamic, b<block size>, "
                                    + "cpu, gpu (e.g. quantize=INT8-static, quantize=INT4-b64)");
                        }
                    }
                }
            }
            return new Quantize(precision, options.build());
        }
    }
}
