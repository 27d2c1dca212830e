package io.greenai.examples;

import io.greenai.core.Compressor;
import io.greenai.onnx.MavenModel;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.runtime.Embeddings;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The main job: loads bge-small-en-v1.5 from its Maven Central artifact, prints its structure,
 * removes layers, saves the result under {@code target/}, and prints file size, parameters, mean
 * latency per inference (batch 1, real sentences) and embedding fidelity before and after.
 *
 * <p>When SST-2 is found beside the checkout ({@code ../shared/data/sst2/train.tsv}, or
 * {@code --calibration FILE}, a TSV whose first column is a sentence), a third row removes the same
 * number of layers chosen by measured redundancy on 128 of its sentences.
 *
 * <p>Run from the repository root: {@code mvn -B -DskipTests -Pmain-job package}. Arguments (via
 * {@code -Dgreenai.args="..."}): {@code --remove N} layers to remove (default 6), {@code --out DIR}
 * output folder (default {@code target}), {@code --calibration FILE}.
 */
public final class QuickStart {

    /** Real sentences for latency and fidelity (short movie-review style English, written for GreenAI). */
    static final List<String> SENTENCES = List.of(
            "The film is a gentle, funny look at growing up in a small town.",
            "I expected more from such a talented cast; the plot drags badly.",
            "Energy efficiency matters when a model answers millions of queries a day.",
            "A beautifully shot documentary about the people who keep the lights on.",
            "The sequel repeats every joke of the original and adds nothing new.",
            "Transformers turn a sentence into vectors that capture its meaning.",
            "Her performance is the best reason to see this otherwise forgettable thriller.",
            "Smaller models answer faster and cost less to run on ordinary servers.");

    private static final int WARMUP_ROUNDS = 3;
    private static final int MEASURED_ROUNDS = 10;

    /**
     * One measured model.
     *
     * @param variant the plan string
     * @param layers transformer layers
     * @param fileBytes size of the saved file
     * @param parameters float parameters
     * @param meanLatencyMillis mean latency per inference at batch 1
     * @param cosineToOriginal mean cosine similarity of mean-pooled embeddings to the original's
     */
    public record Row(String variant, int layers, long fileBytes, long parameters, double meanLatencyMillis,
            double cosineToOriginal) {
    }

    /**
     * What the main job measured.
     *
     * @param structure the original model's structure, as text
     * @param rows the original first, then the compressed model
     * @param secondsLoad time to load the original
     * @param secondsDiscover time to discover its structure
     * @param secondsCompress time to remove the layers
     * @param secondsSave time to save the result
     * @param saved where the compressed model was written
     */
    public record Report(String structure, List<Row> rows, double secondsLoad, double secondsDiscover,
            double secondsCompress, double secondsSave, Path saved) {
    }

    private QuickStart() {
    }

    /**
     * Runs the main job.
     *
     * @param args {@code --remove N}, {@code --out DIR}
     */
    public static void main(String[] args) {
        int remove = 6;
        Path out = Path.of("target");
        Path calibration = Path.of("..", "..", "shared", "data", "sst2", "train.tsv");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--remove" -> remove = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--calibration" -> calibration = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; use --remove N, --out DIR, --calibration FILE");
            }
        }
        Report report = run(out, remove, readCalibration(calibration));
        System.out.println();
        System.out.println(report.structure());
        System.out.println(format(report));
    }

    /**
     * Compresses bge-small-en-v1.5 and measures both models.
     *
     * @param out folder for the extracted and the compressed model
     * @param remove layers to remove
     * @param calibration sentences for a calibrated variant, or an empty list to skip it
     * @return the measurements
     */
    public static Report run(Path out, int remove, List<String> calibration) {
        Path models = out.resolve("greenai-models");
        MavenModel.BGE_SMALL_EN_V15.load(models); // extract once, so the timing below is load alone
        long t0 = System.nanoTime();
        OnnxModel original = MavenModel.BGE_SMALL_EN_V15.load(models);
        long t1 = System.nanoTime();
        String structure = original.structure().describe();
        long t2 = System.nanoTime();
        OnnxModel smaller = Compressor.of(original).removeLayers(remove).build();
        long t3 = System.nanoTime();
        Path saved = smaller.save(out.resolve("bge-small-en-v1.5-minus-" + remove + "-layers.onnx"));
        long t4 = System.nanoTime();

        List<float[]> reference = new ArrayList<>();
        Row originalRow = measure("original", original, null, reference);
        Row smallerRow = measure(smaller.metadata().get("greenai.plan"),
                OnnxModel.load(saved, original.tokenizer().orElseThrow()), reference, null);
        List<Row> rows = new ArrayList<>(List.of(originalRow, smallerRow));
        if (!calibration.isEmpty()) {
            OnnxModel calibrated = Compressor.of(original).calibrateWith(calibration).removeLayers(remove).build();
            rows.add(measure("calibrated " + calibrated.metadata().get("greenai.removed_layers"), calibrated,
                    reference, null));
        }
        return new Report(structure, rows, seconds(t0, t1), seconds(t1, t2),
                seconds(t2, t3), seconds(t3, t4), saved);
    }

    private static Row measure(String variant, OnnxModel model, List<float[]> reference, List<float[]> collect) {
        try (InferenceSession session = model.newSession(OrtOptions.defaults());
                TextEncoder encoder = model.newTextEncoder(TextEncoder.DEFAULT_MAX_LENGTH)) {
            List<Map<String, long[][]>> inputs = new ArrayList<>();
            for (String sentence : SENTENCES) {
                inputs.add(encoder.encode(List.of(sentence), session.inputNames()));
            }
            double cosine = 0;
            for (int i = 0; i < inputs.size(); i++) {
                FloatTensor hidden = session.run(inputs.get(i)).get("last_hidden_state");
                float[] embedding = Embeddings.meanPool(hidden, inputs.get(i).get("attention_mask"))[0];
                if (collect != null) {
                    collect.add(embedding);
                }
                cosine += reference == null ? 1 : Embeddings.cosine(embedding, reference.get(i));
            }
            for (int round = 0; round < WARMUP_ROUNDS; round++) {
                inputs.forEach(session::run);
            }
            long start = System.nanoTime();
            for (int round = 0; round < MEASURED_ROUNDS; round++) {
                inputs.forEach(session::run);
            }
            double millis = (System.nanoTime() - start) / 1e6 / (MEASURED_ROUNDS * inputs.size());
            return new Row(variant, model.structure().layerCount(), model.sizeBytes(), model.parameterCount(), millis,
                    cosine / inputs.size());
        }
    }

    /**
     * Renders the report as a text table.
     *
     * @param report the measurements
     * @return the table and timings
     */
    public static String format(Report report) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("%-28s %6s %9s %9s %12s %9s %10s%n", "variant", "layers", "file MB", "params M",
                "latency ms", "speed-up", "cosine"));
        double base = report.rows().get(0).meanLatencyMillis();
        for (Row row : report.rows()) {
            text.append(String.format("%-28s %6d %9.1f %9.2f %12.2f %8.2fx %10.4f%n", row.variant(), row.layers(),
                    row.fileBytes() / 1e6, row.parameters() / 1e6, row.meanLatencyMillis(),
                    base / row.meanLatencyMillis(), row.cosineToOriginal()));
        }
        text.append(String.format("%nlatency: mean per inference, batch 1, %d real sentences x %d rounds, CPU, "
                + "ONNX Runtime defaults; cosine: mean-pooled embedding vs the original's%n", SENTENCES.size(),
                MEASURED_ROUNDS));
        text.append(String.format("load %.2f s, discover %.2f s, remove layers %.2f s, save %.2f s (total %.2f s)%n",
                report.secondsLoad(), report.secondsDiscover(), report.secondsCompress(), report.secondsSave(),
                report.secondsLoad() + report.secondsDiscover() + report.secondsCompress() + report.secondsSave()));
        text.append("saved: ").append(report.saved()).append(String.format(" (%.1f MB on disk)%n",
                sizeOnDisk(report.saved()) / 1e6));
        return text.toString();
    }

    /** Reads up to 128 sentences from a TSV with a header line, or none if the file is absent. */
    static List<String> readCalibration(Path tsv) {
        if (!Files.isRegularFile(tsv)) {
            System.out.println("no calibration data at " + tsv + ": skipping the calibrated variant");
            return List.of();
        }
        try (var lines = Files.lines(tsv)) {
            return lines.skip(1).map(line -> line.split("\t", 2)[0].trim()).filter(s -> !s.isEmpty()).limit(128)
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read calibration sentences from " + tsv, e);
        }
    }

    private static long sizeOnDisk(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
