package io.greenai.core.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.greenai.core.DatasetFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads labeled text datasets: GLUE TSV files (single sentences and sentence pairs), IMDb (the
 * {@code aclImdb} folder layout, and CSV), JSON Lines, and the built-in demo reviews.
 *
 * <pre>{@code
 * DataSplit sst2 = Datasets.open(Path.of("../shared/data/sst2"));   // train.tsv + dev.tsv
 * Dataset dev = Datasets.glue(Path.of("../shared/data/sst2/dev.tsv"));
 * DataSplit demo = Datasets.demo();
 * }</pre>
 *
 * <p>A row that cannot be read throws {@link DatasetFormatException} naming the file and line.
 * Class names: GLUE's numeric labels keep their numbers as indices (SST-2's 0 and 1 are named
 * {@code negative} and {@code positive}); text labels get indices in the task's usual order
 * (MNLI: entailment, neutral, contradiction) or else alphabetically.
 */
public final class Datasets {

    /** Resource name of the built-in demo reviews (Apache-2.0, written for GreenAI). */
    public static final String DEMO_RESOURCE = "/io/greenai/core/data/demo-reviews.tsv";
    /** Share of each class of the demo reviews that {@link #demo()} puts in the training part. */
    public static final double DEMO_TRAIN_FRACTION = 0.5;
    private static final long DEMO_SEED = 20_240_601L;

    private Datasets() {
    }

    /**
     * Returns the built-in demo set: short movie and product reviews written for GreenAI (Apache-2.0),
     * half positive and half negative, split class by class into equal training and evaluation parts.
     *
     * @return the split demo reviews
     */
    public static DataSplit demo() {
        Dataset all;
        try (InputStream in = Datasets.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new DatasetFormatException("resource " + DEMO_RESOURCE + " is missing from the class path");
            }
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
            all = glueLines(lines, "demo-reviews.tsv", "demo", null);
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read resource " + DEMO_RESOURCE + ": " + e.getMessage(), e);
        }
        DataSplit split = all.split(DEMO_TRAIN_FRACTION, DEMO_SEED);
        return new DataSplit(rename(split.train(), "demo reviews (train)"), rename(split.eval(), "demo reviews (eval)"));
    }

    /**
     * Opens a dataset by its path, recognising the layout:
     * <ul>
     * <li>a folder with {@code train.tsv} and {@code dev.tsv} (GLUE): those two files;
     * <li>a folder with {@code train/} and {@code test/}, each with {@code pos/} and {@code neg/} (aclImdb);
     * <li>a single {@code .tsv}, {@code .csv} or {@code .jsonl} file: split class by class, 80% train,
     *     20% eval, with a fixed seed.
     * </ul>
     *
     * @param path the folder or file
     * @return training and evaluation parts
     * @throws DatasetFormatException if the path is missing or its layout is not one of these
     */
    public static DataSplit open(Path path) {
        if (Files.isDirectory(path)) {
            Path train = path.resolve("train.tsv");
            Path dev = path.resolve("dev.tsv");
            if (Files.isRegularFile(train) && Files.isRegularFile(dev)) {
                Dataset trainSet = glue(train);
                return new DataSplit(trainSet, glue(dev, trainSet.labelNames()));
            }
            if (Files.isDirectory(path.resolve("train")) && Files.isDirectory(path.resolve("test"))) {
                return new DataSplit(imdbFolder(path.resolve("train")), imdbFolder(path.resolve("test")));
            }
            if (Files.isDirectory(path.resolve("aclImdb"))) {
                return open(path.resolve("aclImdb"));
            }
            throw new DatasetFormatException("cannot tell the layout of dataset folder " + path
                    + ": expected train.tsv and dev.tsv (GLUE) or train/ and test/ with pos/ and neg/ (aclImdb)");
        }
        if (!Files.isRegularFile(path)) {
            throw new DatasetFormatException("dataset not found: " + path.toAbsolutePath().normalize());
        }
        String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
        Dataset all;
        if (file.endsWith(".tsv")) {
            all = glue(path);
        } else if (file.endsWith(".csv")) {
            all = imdbCsv(path);
        } else if (file.endsWith(".jsonl") || file.endsWith(".ndjson")) {
            all = jsonLines(path);
        } else {
            throw new DatasetFormatException("unknown dataset file type: " + path
                    + "; use .tsv (GLUE), .csv (IMDb) or .jsonl (JSON Lines)");
        }
        return all.split(0.8, DEMO_SEED);
    }

    /**
     * Reads a GLUE TSV file. The header names the columns: {@code sentence} (SST-2), {@code sentence1}
     * and {@code sentence2} (RTE, MNLI, WNLI, STS-style pairs), {@code question} and {@code sentence}
     * (QNLI), {@code question1} and {@code question2} (QQP), {@code #1 String} and {@code #2 String}
     * (MRPC); the label is {@code label}, {@code gold_label}, {@code is_duplicate} or {@code Quality}.
     * CoLA's header-less four-column files are read too. The task is the name of the file's folder.
     *
     * @param file the TSV file
     * @return the dataset
     * @throws DatasetFormatException if the file is missing, its columns unknown, or a row malformed
     */
    public static Dataset glue(Path file) {
        return glue(file, null);
    }

    /**
     * Reads a GLUE TSV file with the class names of another split (dev with train's names).
     *
     * @param file the TSV file
     * @param labelNames the class names to use, or null to derive them from the file
     * @return the dataset
     * @throws DatasetFormatException if the file is missing, its columns unknown, a row malformed, or
     *     a label not among {@code labelNames}
     */
    public static Dataset glue(Path file, List<String> labelNames) {
        return glueLines(readLines(file), file.toString(), task(file), labelNames);
    }

    private static Dataset glueLines(List<String> lines, String source, String task, List<String> labelNames) {
        if (lines.isEmpty()) {
            throw new DatasetFormatException(source + ": file is empty");
        }
        String[] header = lines.get(0).split("\t", -1);
        int textColumn;
        int pairColumn = -1;
        int labelColumn;
        int firstRow = 1;
        boolean cola = header.length == 4 && isInteger(header[1]) && indexOf(header, "label") < 0;
        if (cola) {
            textColumn = 3;
            labelColumn = 1;
            firstRow = 0;
            task = task.isEmpty() ? "cola" : task;
        } else {
            int[] pair = findPair(header);
            if (pair != null) {
                textColumn = pair[0];
                pairColumn = pair[1];
            } else {
                textColumn = firstOf(header, "sentence", "text", "review");
            }
            labelColumn = firstOf(header, "label", "gold_label", "is_duplicate", "Quality");
            if (textColumn < 0 || labelColumn < 0) {
                throw new DatasetFormatException(source + ":1: cannot find the text and label columns in the header "
                        + List.of(header) + "; expected e.g. 'sentence<TAB>label' or 'sentence1<TAB>sentence2<TAB>label'");
            }
        }
        int needed = Math.max(textColumn, Math.max(pairColumn, labelColumn)) + 1;
        List<RawRow> rows = new ArrayList<>();
        for (int i = firstRow; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            int number = i + 1;
            if (fields.length < needed) {
                throw new DatasetFormatException(source + ":" + number + ": expected at least " + needed
                        + " tab-separated fields, found " + fields.length);
            }
            String text = fields[textColumn].trim();
            if (text.isEmpty()) {
                throw new DatasetFormatException(source + ":" + number + ": the text is empty");
            }
            String second = pairColumn < 0 ? null : fields[pairColumn].trim();
            String label = fields[labelColumn].trim();
            if (label.isEmpty()) {
                throw new DatasetFormatException(source + ":" + number + ": the label is empty");
            }
            rows.add(new RawRow(text, second, label, number));
        }
        return Labels.resolve(rows, source, task, labelNames);
    }

    /**
     * Reads one split of IMDb in the {@code aclImdb} layout: a folder with {@code pos/} and
     * {@code neg/}, one review per {@code .txt} file ({@code <br />} tags become spaces). Given
     * {@code aclImdb/} itself, reads {@code train/}.
     *
     * @param folder e.g. {@code aclImdb/test}
     * @return the reviews, labels {@code negative} (0) and {@code positive} (1), in file-name order
     * @throws DatasetFormatException if a folder is missing or a review empty or unreadable
     */
    public static Dataset imdbFolder(Path folder) {
        if (Files.isDirectory(folder.resolve("train")) && !Files.isDirectory(folder.resolve("pos"))) {
            return imdbFolder(folder.resolve("train"));
        }
        List<LabeledText> examples = new ArrayList<>();
        String[] classes = {"neg", "pos"};
        for (int label = 0; label < classes.length; label++) {
            Path classFolder = folder.resolve(classes[label]);
            if (!Files.isDirectory(classFolder)) {
                throw new DatasetFormatException("IMDb folder " + folder + " has no " + classes[label]
                        + "/ subfolder (expected the aclImdb layout: pos/ and neg/ with one .txt per review)");
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(classFolder)) {
                files = list.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
            } catch (IOException e) {
                throw new DatasetFormatException("cannot list " + classFolder + ": " + e.getMessage(), e);
            }
            for (Path file : files) {
                String text;
                try {
                    text = cleanReview(Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new DatasetFormatException(file + ":1: cannot read the review: " + e.getMessage(), e);
                }
                if (text.isEmpty()) {
                    throw new DatasetFormatException(file + ":1: the review is empty");
                }
                examples.add(new LabeledText(text, label));
            }
        }
        if (examples.isEmpty()) {
            throw new DatasetFormatException("IMDb folder " + folder + " holds no .txt reviews in pos/ or neg/");
        }
        return new Dataset(folder.toString(), "imdb", List.of("negative", "positive"), examples);
    }

    /**
     * Reads IMDb reviews from a CSV file with a header, as in the widely shared {@code IMDB Dataset.csv}:
     * a text column ({@code review}, {@code text} or {@code sentence}) and a label column
     * ({@code sentiment} or {@code label}, with {@code positive}/{@code negative} or 1/0). Quoted
     * fields may hold commas, doubled quotes and line breaks.
     *
     * @param file the CSV file
     * @return the reviews, labels {@code negative} (0) and {@code positive} (1)
     * @throws DatasetFormatException if a column is missing or a record malformed (naming its line)
     */
    public static Dataset imdbCsv(Path file) {
        List<Csv.Record> records = Csv.read(readString(file), file.toString());
        if (records.isEmpty()) {
            throw new DatasetFormatException(file + ": file is empty");
        }
        String[] header = records.get(0).fields().toArray(String[]::new);
        int textColumn = firstOf(header, "review", "text", "sentence");
        int labelColumn = firstOf(header, "sentiment", "label");
        if (textColumn < 0 || labelColumn < 0) {
            throw new DatasetFormatException(file + ":1: cannot find the text and label columns in the header "
                    + List.of(header) + "; expected e.g. 'review,sentiment'");
        }
        List<LabeledText> examples = new ArrayList<>();
        for (Csv.Record record : records.subList(1, records.size())) {
            if (record.fields().size() == 1 && record.fields().get(0).isBlank()) {
                continue;
            }
            if (record.fields().size() != header.length) {
                throw new DatasetFormatException(file + ":" + record.line() + ": expected " + header.length
                        + " comma-separated fields, found " + record.fields().size());
            }
            String text = cleanReview(record.fields().get(textColumn));
            if (text.isEmpty()) {
                throw new DatasetFormatException(file + ":" + record.line() + ": the review is empty");
            }
            String label = record.fields().get(labelColumn).trim().toLowerCase(Locale.ROOT);
            int index = switch (label) {
                case "positive", "pos", "1" -> 1;
                case "negative", "neg", "0" -> 0;
                default -> throw new DatasetFormatException(file + ":" + record.line() + ": unknown sentiment '"
                        + label + "'; expected positive/negative or 1/0");
            };
            examples.add(new LabeledText(text, index));
        }
        if (examples.isEmpty()) {
            throw new DatasetFormatException(file + ": no reviews after the header");
        }
        return new Dataset(file.toString(), "imdb", List.of("negative", "positive"), examples);
    }

    /**
     * Reads JSON Lines: one object per line with a text ({@code text} or {@code sentence}, or
     * {@code sentence1}), an optional second text ({@code text_pair} or {@code sentence2}) and a
     * {@code label} (a class index, or a class name). Blank lines are skipped.
     *
     * @param file the {@code .jsonl} file
     * @return the dataset
     * @throws DatasetFormatException if a line is not a JSON object or lacks a field (naming the line)
     */
    public static Dataset jsonLines(Path file) {
        List<String> lines = readLines(file);
        List<RawRow> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int number = i + 1;
            if (line.isBlank()) {
                continue;
            }
            JsonObject object;
            try {
                JsonElement element = JsonParser.parseString(line);
                if (!element.isJsonObject()) {
                    throw new DatasetFormatException(file + ":" + number + ": expected a JSON object, found " + element);
                }
                object = element.getAsJsonObject();
            } catch (JsonParseException e) {
                throw new DatasetFormatException(file + ":" + number + ": not valid JSON: " + e.getMessage(), e);
            }
            String text = string(object, file, number, true, "text", "sentence", "sentence1");
            String pair = string(object, file, number, false, "text_pair", "sentence2");
            String label = string(object, file, number, true, "label");
            rows.add(new RawRow(text, pair, label, number));
        }
        if (rows.isEmpty()) {
            throw new DatasetFormatException(file + ": no examples");
        }
        return Labels.resolve(rows, file.toString(), task(file), null);
    }

    private static String string(JsonObject object, Path file, int line, boolean required, String... keys) {
        for (String key : keys) {
            JsonElement value = object.get(key);
            if (value != null && !value.isJsonNull()) {
                if (!value.isJsonPrimitive()) {
                    throw new DatasetFormatException(file + ":" + line + ": field '" + key + "' must be a string or "
                            + "number, found " + value);
                }
                String text = value.getAsString().trim();
                if (text.isEmpty()) {
                    throw new DatasetFormatException(file + ":" + line + ": field '" + key + "' is empty");
                }
                return text;
            }
        }
        if (required) {
            throw new DatasetFormatException(file + ":" + line + ": missing field " + String.join(" or ", keys));
        }
        return null;
    }

    private static Dataset rename(Dataset dataset, String name) {
        return new Dataset(name, dataset.task(), dataset.labelNames(), dataset.examples());
    }

    private static String cleanReview(String text) {
        return text.replace("<br />", " ").replace("<br/>", " ").replaceAll("\\s+", " ").trim();
    }

    /** The task: the folder's name in lower case without punctuation ({@code SST-2} gives {@code sst2}). */
    private static String task(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent == null || parent.getFileName() == null) {
            return "";
        }
        return parent.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static int[] findPair(String[] header) {
        String[][] pairs = {{"sentence1", "sentence2"}, {"question1", "question2"}, {"question", "sentence"},
            {"#1 String", "#2 String"}, {"text", "text_pair"}};
        for (String[] pair : pairs) {
            int a = indexOf(header, pair[0]);
            int b = indexOf(header, pair[1]);
            if (a >= 0 && b >= 0) {
                return new int[] {a, b};
            }
        }
        return null;
    }

    private static int firstOf(String[] header, String... names) {
        for (String name : names) {
            int index = indexOf(header, name);
            if (index >= 0) {
                return index;
            }
        }
        return -1;
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    static boolean isInteger(String value) {
        String trimmed = value.trim();
        return !trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit) && trimmed.length() < 9;
    }

    private static List<String> readLines(Path file) {
        return readString(file).lines().toList();
    }

    private static String readString(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException("dataset file not found: " + file.toAbsolutePath().normalize());
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (IOException e) {
            throw new DatasetFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A row as read: its label still a string, and the line it came from. */
    record RawRow(String text, String pair, String label, int line) {
    }
}
