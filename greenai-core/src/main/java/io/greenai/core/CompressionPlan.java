package io.greenai.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable compression plan: its steps, in the fixed stage order (remove, prune, distill,
 * quantize), and the calibration texts the steps may use.
 *
 * <p>A plan without calibration texts can be written as a string and read back:
 * {@code removeLayers=6,prune=0.5,distill,quantize=INT8}; the empty plan is {@code original}.
 * Layer indices in {@code removeLayersAt} are separated by semicolons: {@code removeLayersAt=9;10;11}.
 * A layer stack other than the main one is named before a colon: {@code removeLayersAt=decoder:4;5},
 * {@code removeLayers=decoder:2}.
 * Steps may also be joined with {@code +} instead of a comma ({@code removeLayers=6+prune=0.5}), for
 * command lines that split on commas, such as JMH's {@code -p}.
 *
 * @param steps the steps, at most one per stage, sorted by stage
 * @param calibrationTexts unlabeled in-domain texts (may be empty)
 * @param calibrationInputs calibration data as raw model inputs, one map of input name to
 *     {@code [batch][sequence]} values per batch, for models without a tokenizer (may be empty)
 */
public record CompressionPlan(List<CompressionStep> steps, List<String> calibrationTexts,
        List<Map<String, long[][]>> calibrationInputs) {

    /** The plan string of the empty plan. */
    public static final String ORIGINAL = "original";

    /**
     * Copies and sorts the steps and checks that no stage appears twice.
     *
     * @throws IllegalArgumentException if two steps share a stage
     */
    public CompressionPlan {
        List<CompressionStep> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparing(CompressionStep::stage));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).stage() == sorted.get(i - 1).stage()) {
                throw new IllegalArgumentException(
                        "two steps of stage " + sorted.get(i).stage() + ": " + sorted.get(i - 1) + ", " + sorted.get(i));
            }
        }
        steps = List.copyOf(sorted);
        calibrationTexts = List.copyOf(calibrationTexts);
        calibrationInputs = List.copyOf(calibrationInputs);
    }

    /**
     * A plan calibrated with texts only.
     *
     * @param steps the steps
     * @param calibrationTexts unlabeled in-domain texts (may be empty)
     */
    public CompressionPlan(List<CompressionStep> steps, List<String> calibrationTexts) {
        this(steps, calibrationTexts, List.of());
    }

    /**
     * Tells whether the plan carries calibration data, as texts or as raw inputs.
     *
     * @return true if there is calibration data
     */
    public boolean hasCalibration() {
        return !calibrationTexts.isEmpty() || !calibrationInputs.isEmpty();
    }

    /**
     * Returns the step of the given type, if the plan has one.
     *
     * @param type the step record class, e.g. {@code CompressionStep.RemoveLayers.class}
     * @param <T> the step type
     * @return the step, or empty
     */
    public <T extends CompressionStep> Optional<T> step(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /**
     * Tells whether the plan has no steps.
     *
     * @return true for the plan that leaves a model as it is
     */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /**
     * Checks the plan against a model's structure: the named stack must exist, and layer counts and
     * indices must leave at least one layer in it.
     *
     * @param structure the structure of the model the plan will run on
     * @throws IllegalArgumentException naming the value (or the stack) that does not fit the model
     * @throws IllegalStateException if INT8 with static activations has no calibration texts to fix its
     *     scales from
     */
    public void checkAgainst(ModelStructure structure) {
        step(CompressionStep.Quantize.class).ifPresent(step -> {
            if (step.options().activations() == QuantizationOptions.Activations.STATIC && calibrationTexts.isEmpty()) {
                throw new IllegalStateException(step.spec() + " fixes activation scales from calibration texts, and "
                        + "the plan has none: call calibrateWith(texts)");
            }
        });
        step(CompressionStep.RemoveLayers.class).ifPresent(step -> {
            StackInfo stack = stackOf(structure, step.stack());
            int layers = stack.layerCount();
            if (step.count() >= layers) {
                throw new IllegalArgumentException("removeLayers(" + step.count() + ") would leave no layer in a "
                        + layers + "-layer " + where(step.stack()) + ": n must be in [0, " + layers + ")");
            }
        });
        step(CompressionStep.RemoveLayersAt.class).ifPresent(step -> {
            StackInfo stack = stackOf(structure, step.stack());
            int layers = stack.layerCount();
            for (int index : step.indices()) {
                if (index >= layers) {
                    throw new IllegalArgumentException("layer index " + index + " is out of range for a " + layers
                            + "-layer " + where(step.stack()) + " (0.." + (layers - 1) + ")");
                }
            }
            if (step.indices().size() >= layers) {
                throw new IllegalArgumentException("removeLayersAt" + step.indices() + " would leave no layer in a "
                        + layers + "-layer " + where(step.stack()));
            }
        });
    }

    private static StackInfo stackOf(ModelStructure structure, String name) {
        return name == null ? structure.stacks().get(0) : structure.stack(name);
    }

    private static String where(String stack) {
        return stack == null ? "model" : "stack '" + stack + "'";
    }

    /**
     * Renders the plan string, e.g. {@code removeLayers=6,quantize=INT8}, or {@code original} for the
     * empty plan. Calibration texts are shown by count ({@code calibration=512}), which
     * {@link #parse(String)} does not read back.
     *
     * @return the plan string
     */
    @Override
    public String toString() {
        if (steps.isEmpty() && !hasCalibration()) {
            return ORIGINAL;
        }
        List<String> parts = new ArrayList<>();
        steps.forEach(step -> parts.add(step.spec()));
        if (!calibrationTexts.isEmpty()) {
            parts.add("calibration=" + calibrationTexts.size());
        }
        if (!calibrationInputs.isEmpty()) {
            parts.add("calibration=" + calibrationInputs.size() + " batches");
        }
        return String.join(",", parts);
    }

    /**
     * Reads a plan string such as {@code removeLayers=6,prune=0.5,distill,quantize=INT8}. Keys are
     * {@code removeLayers}, {@code removeLayersAt}, {@code prune}, {@code distill} (from the model
     * being compressed) and {@code quantize}, whose value may carry options after the precision
     * ({@code quantize=INT8-static}, {@code quantize=INT4-b64}, see
     * {@link CompressionStep.Quantize#parse(String)}); {@code original} or an empty string is the
     * empty plan.
     *
     * @param spec the plan string
     * @return the plan, without calibration texts
     * @throws IllegalArgumentException naming the part that cannot be read
     */
    public static CompressionPlan parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        Builder builder = new Builder();
        String trimmed = spec.trim();
        if (trimmed.isEmpty() || trimmed.equals(ORIGINAL)) {
            return builder.build();
        }
        for (String rawPart : trimmed.split("[,+]", -1)) {
            String part = rawPart.trim();
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty step in plan '" + spec + "'");
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq).trim();
            String value = eq < 0 ? null : part.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "removeLayers" -> {
                        String[] target = stackPrefix(required(key, value));
                        builder.add(new CompressionStep.RemoveLayers(Integer.parseInt(target[1]), target[0]));
                    }
                    case "removeLayersAt" -> {
                        String[] target = stackPrefix(required(key, value));
                        List<Integer> indices = new ArrayList<>();
                        for (String index : target[1].split(";")) {
                            indices.add(Integer.parseInt(index.trim()));
                        }
                        builder.add(new CompressionStep.RemoveLayersAt(indices, target[0]));
                    }
                    case "prune" -> builder.add(pruneStep(required(key, value)));
                    case "distill" -> builder.add(new CompressionStep.DistillFrom(null, distillOptions(part, value)));
                    case "quantize" -> builder.add(CompressionStep.Quantize.parse(required(key, value)));
                    case "calibration" -> throw new IllegalArgumentException(
                            "calibration texts cannot be given in a plan string; use calibrateWith: '" + part + "'");
                    default -> throw new IllegalArgumentException("unknown plan step '" + key + "' in '" + spec + "'");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot read the value of '" + part + "' in plan '" + spec + "'", e);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("plan '" + spec + "' sets a stage twice: " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    /** Reads nothing (the defaults) or {@code ridge:1e-4}. */
    private static DistillOptions distillOptions(String part, String value) {
        if (value == null) {
            return DistillOptions.defaults();
        }
        if (!value.startsWith("ridge:")) {
            throw new IllegalArgumentException("distill takes no value or ridge:<penalty> in a plan string: '" + part
                    + "'");
        }
        return new DistillOptions(Double.parseDouble(value.substring("ridge:".length()).trim()));
    }

    /** Splits {@code decoder:4;5} into the stack name and the rest; the name is null without a prefix. */
    private static String[] stackPrefix(String value) {
        int colon = value.indexOf(':');
        if (colon < 0) {
            return new String[] {null, value};
        }
        return new String[] {value.substring(0, colon).trim(), value.substring(colon + 1).trim()};
    }

    /** Reads {@code 0.5} or {@code heads:0.25;ffn:0.5;importance:magnitude}. */
    private static CompressionStep.PruneMatrices pruneStep(String value) {
        if (!value.contains(":")) {
            return new CompressionStep.PruneMatrices(Double.parseDouble(value));
        }
        double heads = 0;
        double ffn = 0;
        PruneOptions.Importance importance = PruneOptions.Importance.AUTO;
        for (String option : value.split(";")) {
            String[] pair = option.split(":", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("cannot read prune option '" + option + "'; expected name:value");
            }
            switch (pair[0].trim()) {
                case "heads" -> heads = Double.parseDouble(pair[1].trim());
                case "ffn" -> ffn = Double.parseDouble(pair[1].trim());
                case "importance" -> {
                    try {
                        importance = PruneOptions.Importance.valueOf(pair[1].trim().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown prune importance '" + pair[1] + "'; choose one of "
                                + java.util.Arrays.toString(PruneOptions.Importance.values()), e);
                    }
                }
                default -> throw new IllegalArgumentException("unknown prune option '" + pair[0]
                        + "'; use heads, ffn and importance");
            }
        }
        return new CompressionStep.PruneMatrices(heads, ffn, importance);
    }

    private static String required(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("plan step '" + key + "' needs a value, e.g. " + key + "=...");
        }
        return value;
    }

    /**
     * Collects steps, at most one per stage, and calibration texts. Used by {@link Compressor}; a
     * builder stays usable after {@link #build()}.
     */
    public static final class Builder {

        private final Map<CompressionStep.Stage, CompressionStep> steps = new EnumMap<>(CompressionStep.Stage.class);
        private List<String> calibrationTexts = List.of();
        private List<Map<String, long[][]>> calibrationInputs = List.of();

        /** Creates an empty builder. */
        public Builder() {
        }

        /**
         * Adds a step.
         *
         * @param step the step
         * @return this builder
         * @throws IllegalStateException if a step of the same stage was already added, naming it
         */
        public Builder add(CompressionStep step) {
            Objects.requireNonNull(step, "step");
            CompressionStep previous = steps.get(step.stage());
            if (previous != null) {
                throw new IllegalStateException(describe(step) + " was already set: " + previous.spec());
            }
            steps.put(step.stage(), step);
            return this;
        }

        /**
         * Sets the calibration texts.
         *
         * @param texts at least one non-blank text
         * @return this builder
         * @throws IllegalArgumentException if the list is empty or holds a null or blank text
         * @throws IllegalStateException if calibration texts were already set
         */
        public Builder calibrationTexts(List<String> texts) {
            Objects.requireNonNull(texts, "texts");
            checkNoCalibration();
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("calibrateWith needs at least one text");
            }
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                if (text == null || text.isBlank()) {
                    throw new IllegalArgumentException("calibration text " + i + " is null or blank");
                }
            }
            calibrationTexts = List.copyOf(texts);
            return this;
        }

        /**
         * Sets the calibration data as raw model inputs, for models without a tokenizer.
         *
         * @param batches at least one batch: input name to {@code [batch][sequence]} values
         * @return this builder
         * @throws IllegalArgumentException if there is no batch, or a batch is empty or ragged
         * @throws IllegalStateException if calibration data was already set
         */
        public Builder calibrationInputs(List<Map<String, long[][]>> batches) {
            Objects.requireNonNull(batches, "batches");
            checkNoCalibration();
            if (batches.isEmpty()) {
                throw new IllegalArgumentException("calibrateWithInputs needs at least one batch");
            }
            for (int b = 0; b < batches.size(); b++) {
                Map<String, long[][]> batch = batches.get(b);
                if (batch == null || batch.isEmpty()) {
                    throw new IllegalArgumentException("calibration batch " + b + " has no inputs");
                }
                for (Map.Entry<String, long[][]> input : batch.entrySet()) {
                    long[][] rows = input.getValue();
                    if (rows == null || rows.length == 0) {
                        throw new IllegalArgumentException("calibration batch " + b + ", input '" + input.getKey()
                                + "' has no rows");
                    }
                    for (long[] row : rows) {
                        if (row == null || row.length != rows[0].length) {
                            throw new IllegalArgumentException("calibration batch " + b + ", input '"
                                    + input.getKey() + "' has rows of different lengths");
                        }
                    }
                }
            }
            calibrationInputs = List.copyOf(batches);
            return this;
        }

        private void checkNoCalibration() {
            if (!calibrationTexts.isEmpty()) {
                throw new IllegalStateException("calibrateWith was already set: " + calibrationTexts.size() + " texts");
            }
            if (!calibrationInputs.isEmpty()) {
                throw new IllegalStateException("calibrateWithInputs was already set: " + calibrationInputs.size()
                        + " batches");
            }
        }

        /**
         * Snapshots the steps into a plan.
         *
         * @return the plan
         */
        public CompressionPlan build() {
            return new CompressionPlan(new ArrayList<>(steps.values()), calibrationTexts, calibrationInputs);
        }

        private static String describe(CompressionStep step) {
            return switch (step.stage()) {
                case REMOVE -> "layer removal";
                case PRUNE -> "pruneMatrices";
                case DISTILL -> "distillFrom";
                case QUANTIZE -> "quantize";
            };
        }
    }
}
