package io.greenai.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
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
 *
 * @param steps the steps, at most one per stage, sorted by stage
 * @param calibrationTexts unlabeled in-domain texts (may be empty)
 */
public record CompressionPlan(List<CompressionStep> steps, List<String> calibrationTexts) {

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
     * Checks the plan against a model's structure: layer counts and indices must leave at least one
     * layer.
     *
     * @param structure the structure of the model the plan will run on
     * @throws IllegalArgumentException naming the value that does not fit the model
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
        int layers = structure.layerCount();
        step(CompressionStep.RemoveLayers.class).ifPresent(step -> {
            if (step.count() >= layers) {
                throw new IllegalArgumentException("removeLayers(" + step.count() + ") would leave no layer in a "
                        + layers + "-layer model: n must be in [0, " + layers + ")");
            }
        });
        step(CompressionStep.RemoveLayersAt.class).ifPresent(step -> {
            for (int index : step.indices()) {
                if (index >= layers) {
                    throw new IllegalArgumentException("layer index " + index + " is out of range for a " + layers
                            + "-layer model (0.." + (layers - 1) + ")");
                }
            }
            if (step.indices().size() >= layers) {
                throw new IllegalArgumentException("removeLayersAt" + step.indices() + " would leave no layer in a "
                        + layers + "-layer model");
            }
        });
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
        if (steps.isEmpty() && calibrationTexts.isEmpty()) {
            return ORIGINAL;
        }
        List<String> parts = new ArrayList<>();
        steps.forEach(step -> parts.add(step.spec()));
        if (!calibrationTexts.isEmpty()) {
            parts.add("calibration=" + calibrationTexts.size());
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
        for (String rawPart : trimmed.split(",", -1)) {
            String part = rawPart.trim();
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty step in plan '" + spec + "'");
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq).trim();
            String value = eq < 0 ? null : part.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "removeLayers" -> builder.add(new CompressionStep.RemoveLayers(Integer.parseInt(required(key, value))));
                    case "removeLayersAt" -> {
                        List<Integer> indices = new ArrayList<>();
                        for (String index : required(key, value).split(";")) {
                            indices.add(Integer.parseInt(index.trim()));
                        }
                        builder.add(new CompressionStep.RemoveLayersAt(indices));
                    }
                    case "prune" -> builder.add(new CompressionStep.PruneMatrices(Double.parseDouble(required(key, value))));
                    case "distill" -> {
                        if (value != null) {
                            throw new IllegalArgumentException("distill takes no value in a plan string: '" + part + "'");
                        }
                        builder.add(new CompressionStep.DistillFrom(null));
                    }
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
            if (!calibrationTexts.isEmpty()) {
                throw new IllegalStateException("calibrateWith was already set: " + calibrationTexts.size() + " texts");
            }
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
         * Snapshots the steps into a plan.
         *
         * @return the plan
         */
        public CompressionPlan build() {
            return new CompressionPlan(new ArrayList<>(steps.values()), calibrationTexts);
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
