package io.greenai.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * An immutable labeled dataset: examples, the names of their classes, and the task it belongs to
 * (which chooses the GLUE metric, e.g. {@code sst2}, {@code cola}, {@code mrpc}).
 *
 * @param name where it came from, for reports (e.g. {@code sst2/dev.tsv})
 * @param task the task, lower case without punctuation ({@code sst2}, {@code imdb}, {@code demo})
 * @param labelNames class names by index, at least two
 * @param examples the examples, at least one
 */
public record Dataset(String name, String task, List<String> labelNames, List<LabeledText> examples) {

    /**
     * Copies the lists and checks that every label has a name.
     *
     * @throws IllegalArgumentException if there are fewer than two classes, no example, or a label
     *     without a name
     */
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        labelNames = List.copyOf(labelNames);
        examples = List.copyOf(examples);
        if (labelNames.size() < 2) {
            throw new IllegalArgumentException("a classification dataset needs at least two classes: " + labelNames);
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + name + "' has no examples");
        }
        for (LabeledText example : examples) {
            if (example.label() >= labelNames.size()) {
                throw new IllegalArgumentException("dataset '" + name + "': label " + example.label()
                        + " has no name in " + labelNames);
            }
        }
    }

    /**
     * Returns the number of examples.
     *
     * @return the size
     */
    public int size() {
        return examples.size();
    }

    /**
     * Returns the first text of every example, in order.
     *
     * @return the texts
     */
    public List<String> texts() {
        return examples.stream().map(LabeledText::text).toList();
    }

    /**
     * Returns the labels of every example, in order.
     *
     * @return the class indices
     */
    public int[] labels() {
        return examples.stream().mapToInt(LabeledText::label).toArray();
    }

    /**
     * Tells whether the examples are pairs of texts.
     *
     * @return true if any example is a pair
     */
    public boolean isPairs() {
        return examples.stream().anyMatch(LabeledText::isPair);
    }

    /**
     * Returns the examples in a random order, the same for the same seed.
     *
     * @param seed the seed
     * @return a shuffled copy
     */
    public Dataset shuffled(long seed) {
        List<LabeledText> copy = new ArrayList<>(examples);
        Collections.shuffle(copy, new Random(seed));
        return new Dataset(name, task, labelNames, copy);
    }

    /**
     * Returns the first {@code n} examples (all of them if there are fewer).
     *
     * @param n at least 1
     * @return the first examples
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public Dataset first(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1: " + n);
        }
        if (n >= examples.size()) {
            return this;
        }
        return new Dataset(name + " (first " + n + ")", task, labelNames, examples.subList(0, n));
    }

    /**
     * Splits the examples class by class, so both parts keep the class balance: in each class, after a
     * shuffle with {@code seed}, the first {@code fraction} go to the first part.
     *
     * @param fraction the share of each class in the first part, in (0, 1)
     * @param seed the shuffle seed
     * @return the two parts, named {@code train} and {@code eval}
     * @throws IllegalArgumentException if the fraction is outside (0, 1) or a part would be empty
     */
    public DataSplit split(double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1): " + fraction);
        }
        List<LabeledText> first = new ArrayList<>();
        List<LabeledText> second = new ArrayList<>();
        Random random = new Random(seed);
        for (int label = 0; label < labelNames.size(); label++) {
            int wanted = label;
            List<LabeledText> ofClass = new ArrayList<>(examples.stream().filter(e -> e.label() == wanted).toList());
            Collections.shuffle(ofClass, random);
            int cut = (int) Math.round(ofClass.size() * fraction);
            first.addAll(ofClass.subList(0, cut));
            second.addAll(ofClass.subList(cut, ofClass.size()));
        }
        Collections.shuffle(first, random);
        Collections.shuffle(second, random);
        if (first.isEmpty() || second.isEmpty()) {
            throw new IllegalArgumentException("splitting " + size() + " examples at " + fraction
                    + " leaves an empty part");
        }
        return new DataSplit(new Dataset(name + " (train part)", task, labelNames, first),
                new Dataset(name + " (eval part)", task, labelNames, second));
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + size() + " examples, classes " + labelNames + "]";
    }
}
