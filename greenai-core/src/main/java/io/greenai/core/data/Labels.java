package io.greenai.core.data;

import io.greenai.core.DatasetFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Turns the label strings of a file into class indices and names. */
final class Labels {

    /** Text labels of GLUE tasks in the order their models and papers use. */
    private static final List<List<String>> KNOWN = List.of(
            List.of("entailment", "neutral", "contradiction"),
            List.of("entailment", "not_entailment"),
            List.of("negative", "positive"));

    private Labels() {
    }

    static Dataset resolve(List<Datasets.RawRow> rows, String source, String task, List<String> given) {
        if (rows.isEmpty()) {
            throw new DatasetFormatException(source + ": no examples");
        }
        List<String> names = given != null ? given : derive(rows, task);
        boolean numeric = rows.stream().allMatch(r -> Datasets.isInteger(r.label()));
        List<LabeledText> examples = new ArrayList<>();
        for (Datasets.RawRow row : rows) {
            int index;
            if (numeric && (given == null || isNumberedNames(names) || binaryNames(names))) {
                index = Integer.parseInt(row.label().trim());
            } else {
                index = names.indexOf(row.label());
                if (index < 0) {
                    index = names.indexOf(row.label().toLowerCase(Locale.ROOT));
                }
            }
            if (index < 0 || index >= names.size()) {
                throw new DatasetFormatException(source + ":" + row.line() + ": label '" + row.label()
                        + "' is not one of the classes " + names);
            }
            examples.add(new LabeledText(row.text(), row.pair(), index));
        }
        return new Dataset(source, task, names, examples);
    }

    private static List<String> derive(List<Datasets.RawRow> rows, String task) {
        boolean numeric = rows.stream().allMatch(r -> Datasets.isInteger(r.label()));
        if (numeric) {
            int max = rows.stream().mapToInt(r -> Integer.parseInt(r.label().trim())).max().orElse(1);
            if (max <= 1 && isSentiment(task)) {
                return List.of("negative", "positive");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i <= Math.max(1, max); i++) {
                names.add(String.valueOf(i));
            }
            return names;
        }
        TreeSet<String> seen = new TreeSet<>();
        rows.forEach(r -> seen.add(r.label()));
        for (List<String> known : KNOWN) {
            if (known.containsAll(seen)) {
                return known;
            }
        }
        if (seen.size() < 2) {
            seen.add("other");
        }
        return List.copyOf(seen);
    }

    private static boolean isSentiment(String task) {
        return task.startsWith("sst") || task.equals("imdb") || task.equals("demo") || task.contains("sentiment");
    }

    private static boolean isNumberedNames(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equals(String.valueOf(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean binaryNames(List<String> names) {
        return names.equals(List.of("negative", "positive"));
    }
}
