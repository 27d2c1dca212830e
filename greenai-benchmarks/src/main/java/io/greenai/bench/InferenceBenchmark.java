package io.greenai.bench;

import io.greenai.core.Compressor;
import io.greenai.onnx.MavenModel;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one inference of BAAI bge-small-en-v1.5 on ONNX Runtime (CPU), for each compression
 * plan: the original model and the same model with transformer layers removed.
 *
 * <p>Every row of the batch holds exactly {@code sequenceLength} real tokens (no padding, attention
 * mask all 1), cut from a tokenized English paragraph that is repeated as often as needed, so the
 * plans are compared on the same, fully used sequence length.
 *
 * <p>Run from the project root (the model is extracted once into {@code target/greenai-models}
 * under the working directory):
 *
 * <pre>
 * mvn -B -q -DskipTests package
 * java -jar greenai-benchmarks/target/benchmarks.jar InferenceBenchmark
 * </pre>
 *
 * <p>JMH options override the defaults, e.g. a short run of two plans on two threads:
 * {@code java -jar greenai-benchmarks/target/benchmarks.jar InferenceBenchmark -wi 1 -i 2 -w 1 -r 2
 * -p plan=original,removeLayers=6 -p threads=2}. The defaults (2 warmup iterations of 2 s, 3
 * measured iterations of 3 s, one fork with a 3 GiB heap) suit a 2-core machine.
 *
 * <p>Energy and CO2e per inference come with {@code -prof energy} ({@link EnergyProfiler}), e.g.
 * {@code java -jar greenai-benchmarks/target/benchmarks.jar InferenceBenchmark -prof energy -wi 1 -i 3
 * -w 2 -r 3 -f 1 -p plan=original,removeLayers=6}.
 *
 * <p>JMH splits {@code -p} values at commas, so a plan of several steps is written with {@code +}
 * between them on the command line: {@code -p plan=removeLayers=6+quantize=INT8} runs the plan
 * {@code removeLayers=6,quantize=INT8}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = "-Xmx3g")
public class InferenceBenchmark {

    /** Where the model and tokenizer are extracted, relative to the working directory. */
    static final Path MODELS_DIR = Path.of("target", "greenai-models");

    /** The longest sequence bge-small-en-v1.5 accepts (its position embeddings), in tokens. */
    static final int MAX_SEQUENCE_LENGTH = 512;

    /** Plain English text the inputs are cut from; short enough to tokenize in one piece. */
    static final String PARAGRAPH = "The small harbour town wakes up slowly on winter mornings. "
            + "Fishing boats leave before sunrise, and the bakery on the main square opens its doors at six. "
            + "By nine the market is full of people buying bread, cheese and fresh vegetables. "
            + "Children walk to school along the sea wall, counting the gulls that sit on the railings. "
            + "In the afternoon a cold wind comes in from the north and most shops close early. "
            + "Visitors often say that the town feels quiet, but the people who live there know "
            + "how much work it takes to keep it running.";

    /**
     * The compression plan, as read by {@link Compressor#withPlan(String)}, with {@code +} allowed
     * between steps in place of {@code ,} (JMH's {@code -p} splits at commas), e.g.
     * {@code -p plan=removeLayers=6+prune=0.5}.
     */
    @Param({"original", "removeLayers=6", "prune=0.5", "removeLayers=6+prune=0.5"})
    public String plan;

    /** Rows per inference. */
    @Param({"1"})
    public int batch;

    /** Tokens per row, special tokens included; every token is real text (no padding). */
    @Param({"128"})
    public int sequenceLength;

    /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (one per core). */
    @Param({"0"})
    public int threads;

    private InferenceSession session;
    private Map<String, long[][]> inputs;

    /**
     * Loads bge-small-en-v1.5, applies the plan, opens the session and builds the inputs.
     *
     * @throws IllegalArgumentException if a parameter is out of range or the plan cannot be read
     * @throws IllegalStateException if a first inference does not return the expected output
     */
    @Setup(Level.Trial)
    public void setUp() {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1: " + batch);
        }
        if (sequenceLength < 2 || sequenceLength > MAX_SEQUENCE_LENGTH) {
            throw new IllegalArgumentException("sequenceLength must be in [2, " + MAX_SEQUENCE_LENGTH + "]: "
                    + sequenceLength);
        }
        OnnxModel model = MavenModel.BGE_SMALL_EN_V15.load(MODELS_DIR);
        OnnxModel variant = Compressor.of(model).withPlan(planSpec(plan)).build();
        session = variant.newSession(OrtOptions.builder().intraOpThreads(threads).build());
        try (TextEncoder encoder = variant.newTextEncoder(MAX_SEQUENCE_LENGTH)) {
            Map<String, long[][]> paragraph = encoder.encode(List.of(PARAGRAPH), session.inputNames());
            inputs = fullRows(paragraph.get("input_ids")[0], session.inputNames(), batch, sequenceLength);
        }
        checkOutput(session.run(inputs));
    }

    /** Closes the session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /**
     * Runs one inference on the prepared batch.
     *
     * @return every float output, so that JMH consumes it
     */
    @Benchmark
    public Map<String, FloatTensor> infer() {
        return session.run(inputs);
    }

    /**
     * Turns a plan as JMH passes it into a plan string: {@code +} separates steps on the command
     * line because JMH splits {@code -p} values at commas.
     *
     * @param param e.g. {@code removeLayers=6+quantize=INT8}
     * @return e.g. {@code removeLayers=6,quantize=INT8}
     */
    static String planSpec(String param) {
        return param.replace('+', ',');
    }

    /**
     * Builds inputs in which every row has exactly {@code length} real tokens: the paragraph's first
     * special token, then its text tokens repeated (each row starting one token later than the one
     * before, so rows differ) and cut to fit, then its last special token.
     *
     * @param encoded one tokenized text with its special tokens, e.g. {@code [CLS] ... [SEP]}
     * @param inputNames the model's inputs
     * @param batch rows
     * @param length tokens per row, at least 2
     * @return one {@code [batch][length]} array per input name
     * @throws IllegalArgumentException if the text has no tokens between its special tokens, or an
     *     input is neither ids, attention mask nor token types
     */
    static Map<String, long[][]> fullRows(long[] encoded, Set<String> inputNames, int batch, int length) {
        if (encoded.length < 3) {
            throw new IllegalArgumentException("the encoded text has no tokens between its special tokens: "
                    + Arrays.toString(encoded));
        }
        long first = encoded[0];
        long last = encoded[encoded.length - 1];
        long[] text = Arrays.copyOfRange(encoded, 1, encoded.length - 1);
        long[][] ids = new long[batch][length];
        for (int row = 0; row < batch; row++) {
            ids[row][0] = first;
            for (int i = 1; i < length - 1; i++) {
                ids[row][i] = text[(row + i - 1) % text.length];
            }
            ids[row][length - 1] = last;
        }
        Map<String, long[][]> result = new LinkedHashMap<>();
        for (String name : inputNames) {
            long[][] rows = switch (name) {
                case "input_ids" -> ids;
                case "attention_mask", "input_mask" -> filled(batch, length, 1);
                case "token_type_ids", "segment_ids" -> filled(batch, length, 0);
                default -> throw new IllegalArgumentException("model input '" + name
                        + "' is not input_ids, attention_mask or token_type_ids");
            };
            result.put(name, rows);
        }
        return result;
    }

    private static long[][] filled(int batch, int length, long value) {
        long[][] rows = new long[batch][length];
        for (long[] row : rows) {
            Arrays.fill(row, value);
        }
        return rows;
    }

    /** Fails the trial early if the model does not return one hidden state per token. */
    private void checkOutput(Map<String, FloatTensor> outputs) {
        FloatTensor hidden = outputs.values().stream().findFirst().orElseThrow(() -> new IllegalStateException(
                "plan '" + plan + "': the model returned no float output"));
        long[] shape = hidden.shape();
        if (shape.length < 2 || shape[0] != batch || shape[1] != sequenceLength) {
            throw new IllegalStateException("plan '" + plan + "': expected an output of shape [" + batch + ", "
                    + sequenceLength + ", ...], got " + Arrays.toString(shape));
        }
    }
}
