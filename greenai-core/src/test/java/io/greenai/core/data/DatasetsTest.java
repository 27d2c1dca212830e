package io.greenai.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenai.core.DatasetFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path dir;

    private Path write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void glue_readsSingleSentencesWithHeader() throws IOException {
        Path file = write("SST-2/dev.tsv", "sentence\tlabel\nit 's a charming film .\t1\na dull mess\t0\n\n");

        Dataset data = Datasets.glue(file);

        assertThat(data.task()).isEqualTo("sst2");
        assertThat(data.labelNames()).containsExactly("negative", "positive");
        assertThat(data.examples()).containsExactly(new LabeledText("it 's a charming film .", 1),
                new LabeledText("a dull mess", 0));
        assertThat(data.isPairs()).isFalse();
    }

    @Test
    void glue_readsSentencePairsWithTextLabels() throws IOException {
        Path file = write("RTE/train.tsv", "index\tsentence1\tsentence2\tlabel\n"
                + "0\tA cat sat.\tAn animal sat.\tentailment\n"
                + "1\tA cat sat.\tNo one sat.\tnot_entailment\n");

        Dataset data = Datasets.glue(file);

        assertThat(data.labelNames()).containsExactly("entailment", "not_entailment");
        assertThat(data.examples()).containsExactly(new LabeledText("A cat sat.", "An animal sat.", 0),
                new LabeledText("A cat sat.", "No one sat.", 1));
        assertThat(data.isPairs()).isTrue();
    }

    @Test
    void glue_readsMrpcAndQqpColumns() throws IOException {
        Path mrpc = write("MRPC/dev.tsv", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t11\t12\tHe left.\tHe went away.\n");
        Path qqp = write("QQP/dev.tsv", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n5\t1\t2\tWhy?\tHow?\t0\n");

        assertThat(Datasets.glue(mrpc).examples()).containsExactly(new LabeledText("He left.", "He went away.", 1));
        assertThat(Datasets.glue(mrpc).task()).isEqualTo("mrpc");
        assertThat(Datasets.glue(qqp).examples()).containsExactly(new LabeledText("Why?", "How?", 0));
    }

    @Test
    void glue_readsHeaderlessCola() throws IOException {
        Path file = write("CoLA/dev.tsv", "gj04\t1\t\tThe sailors rode the breeze clear of the rocks.\n"
                + "gj04\t0\t*\tThe more we study verbs, the crazier they get get.\n");

        Dataset data = Datasets.glue(file);

        assertThat(data.task()).isEqualTo("cola");
        assertThat(data.labels()).containsExactly(1, 0);
        assertThat(data.texts().get(0)).isEqualTo("The sailors rode the breeze clear of the rocks.");
    }

    @Test
    void glue_malformedRow_namesFileAndLine() throws IOException {
        Path file = write("sst2/train.tsv", "sentence\tlabel\ngood\t1\nno label here\n");

        assertThatThrownBy(() -> Datasets.glue(file)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(file + ":3:").hasMessageContaining("tab-separated");
    }

    @Test
    void glue_unknownLabel_namesFileAndLine() throws IOException {
        Path file = write("rte/dev.tsv", "sentence1\tsentence2\tlabel\na\tb\tentailment\nc\td\tmaybe\n");

        assertThatThrownBy(() -> Datasets.glue(file, List.of("entailment", "not_entailment")))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining(file + ":3:")
                .hasMessageContaining("'maybe'");
    }

    @Test
    void imdbFolder_readsAclImdbLayout() throws IOException {
        write("aclImdb/train/pos/0_9.txt", "Great film.<br /><br />Loved it.");
        write("aclImdb/train/neg/1_2.txt", "Awful.");
        write("aclImdb/test/pos/0_10.txt", "Superb.");
        write("aclImdb/test/neg/0_1.txt", "Boring.");
        write("aclImdb/test/neg/1_3.txt", "Dull.");

        DataSplit split = Datasets.open(dir.resolve("aclImdb"));

        assertThat(split.train().examples()).containsExactlyInAnyOrder(new LabeledText("Great film. Loved it.", 1),
                new LabeledText("Awful.", 0));
        assertThat(split.eval().size()).isEqualTo(3);
        assertThat(split.eval().labelNames()).containsExactly("negative", "positive");
        assertThat(split.eval().task()).isEqualTo("imdb");
    }

    @Test
    void imdbFolder_emptyReview_namesFile() throws IOException {
        write("imdb/pos/0_9.txt", "Fine.");
        Path empty = write("imdb/neg/3_1.txt", "  ");

        assertThatThrownBy(() -> Datasets.imdbFolder(dir.resolve("imdb"))).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(empty + ":1:");
    }

    @Test
    void imdbCsv_readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws IOException {
        Path file = write("IMDB Dataset.csv", "review,sentiment\n"
                + "\"Funny, warm and \"\"clever\"\".\",positive\n"
                + "\"Two lines\nof dull.\",negative\n"
                + "Plain text,positive\n");

        Dataset data = Datasets.imdbCsv(file);

        assertThat(data.examples()).containsExactly(new LabeledText("Funny, warm and \"clever\".", 1),
                new LabeledText("Two lines of dull.", 0), new LabeledText("Plain text", 1));
    }

    @Test
    void imdbCsv_badSentiment_namesTheRecordsLine() throws IOException {
        Path file = write("reviews.csv", "review,sentiment\n\"a\nb\",positive\nc,so-so\n");

        assertThatThrownBy(() -> Datasets.imdbCsv(file)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(file + ":4:").hasMessageContaining("so-so");
    }

    @Test
    void imdbCsv_unclosedQuote_namesLine() throws IOException {
        Path file = write("reviews.csv", "review,sentiment\nok,positive\n\"never closed,negative\n");

        assertThatThrownBy(() -> Datasets.imdbCsv(file)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(file + ":3:");
    }

    @Test
    void jsonLines_readsTextsPairsAndLabels() throws IOException {
        Path file = write("nli/data.jsonl", "{\"sentence1\": \"A\", \"sentence2\": \"B\", \"label\": \"neutral\"}\n"
                + "\n{\"sentence1\": \"C\", \"sentence2\": \"D\", \"label\": \"contradiction\"}\n");
        Path numbers = write("sentiment/data.jsonl", "{\"text\": \"nice\", \"label\": 1}\n{\"text\": \"bad\", \"label\": 0}\n");

        Dataset nli = Datasets.jsonLines(file);

        assertThat(nli.labelNames()).containsExactly("entailment", "neutral", "contradiction");
        assertThat(nli.examples()).containsExactly(new LabeledText("A", "B", 1), new LabeledText("C", "D", 2));
        assertThat(Datasets.jsonLines(numbers).labels()).containsExactly(1, 0);
    }

    @Test
    void jsonLines_badLine_namesFileAndLine() throws IOException {
        Path broken = write("a.jsonl", "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"oops\", \"label\": \n");
        Path missing = write("b.jsonl", "{\"text\": \"ok\", \"label\": 1}\n{\"label\": 0}\n");

        assertThatThrownBy(() -> Datasets.jsonLines(broken)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(broken + ":2:");
        assertThatThrownBy(() -> Datasets.jsonLines(missing)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(missing + ":2:").hasMessageContaining("missing field text");
    }

    @Test
    void open_glueFolder_usesTrainAndDevWithTrainsClasses() throws IOException {
        write("sst2/train.tsv", "sentence\tlabel\na\t0\nb\t1\n");
        write("sst2/dev.tsv", "sentence\tlabel\nc\t1\n");

        DataSplit split = Datasets.open(dir.resolve("sst2"));

        assertThat(split.train().size()).isEqualTo(2);
        assertThat(split.eval().examples()).containsExactly(new LabeledText("c", 1));
    }

    @Test
    void open_missingPath_saysWhere() {
        assertThatThrownBy(() -> Datasets.open(dir.resolve("nope"))).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void demo_isBalancedSplitIntoDisjointHalves() {
        DataSplit demo = Datasets.demo();

        assertThat(demo.train().size()).isEqualTo(150);
        assertThat(demo.eval().size()).isEqualTo(150);
        for (Dataset part : List.of(demo.train(), demo.eval())) {
            assertThat(java.util.Arrays.stream(part.labels()).filter(l -> l == 1).count()).isEqualTo(75);
        }
        Set<String> train = new HashSet<>(demo.train().texts());
        assertThat(demo.eval().texts()).noneMatch(train::contains);
        assertThat(demo.train().labelNames()).containsExactly("negative", "positive");
    }

    @Test
    void split_keepsEveryExampleOnceAndIsReproducible() {
        Dataset all = new Dataset("x", "demo", List.of("negative", "positive"), java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> new LabeledText("t" + i, i % 2)).toList());

        DataSplit a = all.split(0.75, 3);
        DataSplit b = all.split(0.75, 3);

        assertThat(a).isEqualTo(b);
        assertThat(a.train().size()).isEqualTo(16);
        Set<String> seen = new HashSet<>(a.train().texts());
        seen.addAll(a.eval().texts());
        assertThat(seen).hasSize(20);
    }
}
