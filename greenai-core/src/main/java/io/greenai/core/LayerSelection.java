package io.greenai.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Chooses which layers {@code removeLayers(n)} drops.
 *
 * <p>With calibration data, {@link #mostRedundant(double[], int)} drops the layers that change
 * their input least (lowest angular distance between a layer's input and output, the "block
 * influence" of ShortGPT, Men et al. 2024). Without calibration data,
 * {@link #defaultChoice(int, int)} keeps the first and last layers and the kept layers spread
 * evenly between them.
 */
public final class LayerSelection {

    private LayerSelection() {
    }

    /**
     * The default choice without calibration data: keep {@code layerCount - n} layers spread evenly
     * over the stack, the first and the last among them, and remove the rest (for 12 layers and
     * {@code n = 6}: keep 0, 2, 4, 7, 9, 11). Removing every other layer keeps more of a pretrained
     * model's behaviour than removing a contiguous block (Sajjad et al. 2023, "On the effect of
     * dropping layers of pre-trained transformer models"; measured on bge-small-en-v1.5 in the
     * README), and keeping the last layer keeps the output in the distribution that pooling and
     * downstream heads expect. With calibration data, prefer {@link #mostRedundant(double[], int)}.
     *
     * @param layerCount layers in the model, at least 1
     * @param n layers to remove, in [0, layerCount)
     * @return the indices to remove, ascending
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public static List<Integer> defaultChoice(int layerCount, int n) {
        checkCount(layerCount, n);
        int keep = layerCount - n;
        java.util.Set<Integer> kept = new java.util.HashSet<>();
        if (keep == 1) {
            kept.add(layerCount - 1);
        } else {
            for (int i = 0; i < keep; i++) {
                kept.add((int) Math.round(i * (layerCount - 1) / (double) (keep - 1)));
            }
        }
        return IntStream.range(0, layerCount).filter(i -> !kept.contains(i)).boxed().toList();
    }

    /**
     * Chooses the {@code n} layers with the lowest redundancy scores.
     *
     * @param scores one score per layer: how much the layer changes its input (lower = more redundant)
     * @param n layers to remove, in [0, scores.length)
     * @return the indices to remove, ascending
     * @throws IllegalArgumentException if {@code n} is out of range or a score is NaN
     */
    public static List<Integer> mostRedundant(double[] scores, int n) {
        checkCount(scores.length, n);
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("redundancy score of layer " + i + " is NaN");
            }
        }
        List<Integer> order = new ArrayList<>(IntStream.range(0, scores.length).boxed().toList());
        order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).thenComparing(i -> i));
        return order.subList(0, n).stream().sorted().toList();
    }

    private static void checkCount(int layerCount, int n) {
        if (layerCount < 1) {
            throw new IllegalArgumentException("layer count must be >= 1: " + layerCount);
        }
        if (n < 0 || n >= layerCount) {
            throw new IllegalArgumentException(
                    "cannot remove " + n + " of " + layerCount + " layers: n must be in [0, " + layerCount + ")");
        }
    }
}
