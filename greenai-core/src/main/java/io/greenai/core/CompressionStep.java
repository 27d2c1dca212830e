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
     */
    record RemoveLayers(int count) implements CompressionStep {
        /**
         * Checks the count.
         *
         * @throws IllegalArgumentException if {@code count} is negative
         */
        public RemoveLayers {
            if (count < 0) {
                throw new IllegalArgumentException("layer count to remove must be >= 0: " + count);
            }
        }

        @Override
        public Stage stage() {
            return Stage.REMOVE;
        }

        @Override
        public String spec() {
            return "removeLayers=" + count;
        }
    }

    /**
     * Remove exactly the layers at these indices.
     *
     * @param indices distinct, non-negative layer indices, kept in ascending order
     */
    record RemoveLayersAt(List<Integer> indices) implements CompressionStep {
        /**
         * Copies, checks and sorts the indices.
         *
         * @throws IllegalArgumentException if the list is empty, or an index is negative or repeated
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
            indices = indices.stream().sorted().toList();
        }

        @Override
        public Stage stage() {
            return Stage.REMOVE;
        }

        @Override
        public String spec() {
            StringBuilder out = new StringBuilder("removeLayersAt=");
            for (int i = 0; i < indices.size(); i++) {
                out.append(i == 0 ? "" : ";").append(indices.get(i));
            }
            return out.toString();
        }
    }

    /**
     * Remove this fraction of the prunable projection weights (attention heads and FFN neurons).
     *
     * @param ratio in [0, 1)
     */
    record PruneMatrices(double ratio) implements CompressionStep {
        /**
         * Checks the ratio.
         *
         * @throws IllegalArgumentException if the ratio is NaN or outside [0, 1)
         */
        public PruneMatrices {
            if (!(ratio >= 0.0 && ratio < 1.0)) {
                throw new IllegalArgumentException("ratio must be in [0, 1): " + ratio);
            }
        }

        @Override
        public Stage stage() {
            return Stage.PRUNE;
        }

        @Override
        public String spec() {
            return "prune=" + ratio;
        }
    }

    /**
     * Refit the compressed student to a teacher.
     *
     * @param teacher the teacher model, or {@code null} for the model being compressed
     */
    record DistillFrom(CompressibleModel<?> teacher) implements CompressionStep {
        @Override
        public Stage stage() {
            return Stage.DISTILL;
        }

        @Override
        public String spec() {
            return "distill";
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
