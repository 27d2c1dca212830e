package io.greenai.examples;

import io.greenai.core.data.DataSplit;
import io.greenai.core.data.Dataset;
import io.greenai.core.data.Datasets;
import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.Progress;
import io.greenai.core.eval.Recipe;
import io.greenai.core.report.ReportFiles;
import io.greenai.core.report.Reports;
import io.greenai.onnx.MavenModel;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.eval.ClassifierHead;
import io.greenai.onnx.eval.Evaluation;
import io.greenai.onnx.eval.HeadOptions;
import io.greenai.onnx.runtime.OrtOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The main job: turns bge-small-en-v1.5 (from its Maven Central artifact) into a sentiment
 * classifier by fitting a logistic-regression head on labeled data, compresses it with each recipe
 * (Original, Layer Removal, Layer Removal + INT8, Matrix Pruning, Combination, Combination + INT8),
 * measures accuracy, latency and energy per inference of each, and writes {@code report.md},
 * {@code report.json} and the chart of relative accuracy against relative emission under
 * {@code target/greenai-report/}.
 *
 * <p>Without arguments it runs on the built-in demo reviews. Run from the repository root: {@code
 * mvn -B -DskipTests -Pmain-job package}; on SST-2: {@code -Dgreenai.args="--data
 * ../shared/data/sst2"}. Arguments: {@code --data PATH} (a GLUE folder or TSV, an aclImdb folder, a
 * CSV or JSON Lines file; relative paths are tried from the working folder, then from its parent,
 * i.e. the repository root when run through Maven), {@code --out DIR} (default {@code target}),
 * {@code --remove N} layers Layer Removal removes (default 6), {@code --prune R} share Matrix
 * Pruning prunes (default 0.5), {@code --combination-remove N} and {@code --combination-prune R}
 * for Combination (defaults 3 and 0.7), {@code --train N} labeled examples for the head (default
 * 6000; {@code all} for the whole training part), {@code --eval N} evaluation examples (default
 * 1000), {@code --calibration N} texts (default 2048), {@code --runs N} timed inferences per variant
 * (default 200), {@code --threads N} ONNX Runtime intra-op threads per inference (default 1; 0 for
 * one per core). Each compressed variant's head is fit again on the same labeled examples as the
 * original's ({@link Evaluation#refitHeads}).
 */
public final class QuickStart {

    private QuickStart() {
    }

    /**
     * The main job's settings.
     *
     * @param data the dataset path, or null for the built-in demo reviews
     * @param out the output folder (the report goes to {@code out/greenai-report})
     * @param removeLayers layers that Layer Removal removes
     * @param pruneRatio share of heads and neurons that Matrix Pruning removes
     * @param combinationLayers layers that Combination removes
     * @param combinationRatio share of heads and neurons that Combination removes
     * @param trainExamples most labeled examples to fit the head on
     * @param evalExamples most evaluation examples
     * @param calibrationTexts unlabeled texts for layer choice, pruning and distillation
     * @param energyRuns timed single inferences per variant
     * @param threads ONNX Runtime intra-op threads per inference, 0 for its default (one per core)
     */
    public record Options(Path data, Path out, int removeLayers, double pruneRatio, int combinationLayers,
            double combinationRatio, int trainExamples, int evalExamples, int calibrationTexts, int energyRuns,
            int threads) {

        /**
         * Returns the defaults: demo data, {@code target}, remove 6, prune 0.5, Combination removing 3
         * and pruning 0.7 (about the compute of removing 6 and pruning 0.5; it kept more accuracy on
         * held-out SST-2 training sentences), 6000 train, 1000 eval, 2048 calibration texts (with 512,
         * the distilled 6-layer student's [CLS] vector had a 30% larger squared error to the teacher's on
         * held-out SST-2 training texts), 200 timed runs, 1 thread per inference (the setting with the
         * least CPU time per inference for every variant, the original included).
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options(null, Path.of("target"), 6, 0.5, 3, 0.7, 6000, 1000, 2048, 200, 1);
        }

        /**
         * Reads command-line arguments over the defaults.
         *
         * @param args e.g. {@code --data ../shared/data/sst2 --remove 6}
         * @return the options
         * @throws IllegalArgumentException if an argument is unknown or lacks its value
         */
        public static Options parse(String... args) {
            Options d = defaults();
            Path data = d.data;
            Path out = d.out;
            int remove = d.removeLayers;
            double prune = d.pruneRatio;
            int combinationLayers = d.combinationLayers;
            double combinationRatio = d.combinationRatio;
            int train = d.trainExamples;
            int eval = d.evalExamples;
            int calibration = d.calibrationTexts;
            int runs = d.energyRuns;
            int threads = d.threads;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("argument " + name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--data" -> data = Path.of(value);
                    case "--out" -> out = Path.of(value);
                    case "--remove" -> remove = count(name, value);
                    case "--prune" -> prune = ratio(name, value);
                    case "--combination-remove" -> combinationLayers = count(name, value);
                    case "--combination-prune" -> combinationRatio = ratio(name, value);
                    case "--train" -> train = "all".equals(value) ? Integer.MAX_VALUE : count(name, value);
                    case "--eval" -> eval = count(name, value);
                    case "--calibration" -> calibration = count(name, value);
                    case "--runs" -> runs = count(name, value);
                    case "--threads" -> threads = count(name, value);
                    default -> throw new IllegalArgumentException("unknown argument '" + name + "'; use --data PATH, "
                            + "--out DIR, --remove N, --prune R, --combination-remove N, --combination-prune R, "
                            + "--train N|all, --eval N, --calibration N, --runs N, --threads N");
                }
            }
            return new Options(data, out, remove, prune, combinationLayers, combinationRatio, train, eval,
                    calibration, runs, threads);
        }

        private static int count(String name, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("argument " + name + " needs a whole number, not '" + value + "'",
                        e);
            }
        }

        private static double ratio(String name, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("argument " + name + " needs a number, not '" + value + "'", e);
            }
        }
    }

    /**
     * What the main job produced.
     *
     * @param report the measurements
     * @param files where the report was written
     * @param seconds the whole job's wall-clock time
     */
    public record Result(EvaluationReport report, ReportFiles files, double seconds) {
    }

    /**
     * Runs the main job and prints the table.
     *
     * @param args see {@link Options#parse}
     */
    public static void main(String[] args) {
        Result result = run(Options.parse(args), System.out);
        System.out.println();
        System.out.println(summary(result));
    }

    /**
     * Runs the evaluation.
     *
     * @param options the settings
     * @param out where progress bars go
     * @return the report and its files
     */
    public static Result run(Options options, PrintStream out) {
        long start = System.nanoTime();
        Progress progress = Progress.console(out);
        DataSplit data = options.data() == null ? Datasets.demo() : Datasets.open(resolve(options.data()));
        Dataset train = data.train().shuffled(1).first(options.trainExamples());
        Dataset eval = data.eval().size() > options.evalExamples()
                ? data.eval().shuffled(2).first(options.evalExamples()) : data.eval();
        out.printf(Locale.ROOT, "data: %s (train %d of %d examples) and %s (%d examples), classes %s%n",
                data.train().name(), train.size(), data.train().size(), eval.name(), eval.size(), eval.labelNames());

        OnnxModel encoder = MavenModel.BGE_SMALL_EN_V15.load(options.out().resolve("greenai-models"));
        ClassifierHead head = ClassifierHead.fit(encoder, train, HeadOptions.defaults(), progress);
        OnnxModel classifier = head.attachTo(encoder);
        out.println("head: " + head);

        EvaluationReport report = Evaluation.of(classifier, new DataSplit(data.train(), eval))
                .recipes(Recipe.standard(options.removeLayers(), options.pruneRatio(), options.combinationLayers(),
                        options.combinationRatio()))
                .calibrationTexts(options.calibrationTexts())
                .refitHeads(train, HeadOptions.defaults())
                .energyRuns(options.energyRuns())
                .ortOptions(OrtOptions.builder().intraOpThreads(options.threads()).build())
                .progress(progress)
                .run();
        ReportFiles files = Reports.write(report, options.out().resolve("greenai-report"));
        return new Result(report, files, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Renders what the main job prints at the end: the table, the energy meter, and the files.
     *
     * @param result the main job's result
     * @return the text
     */
    public static String summary(Result result) {
        EvaluationReport report = result.report();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%-22s %9s %9s %10s %11s %9s %8s %7s %6s%n", "variant", "accuracy",
                "rel. acc", "rel. emis.", "mJ/inf.", "lat. ms", "size MB", "params M", "layers"));
        for (var v : report.variants()) {
            if (!v.ok()) {
                text.append(String.format(Locale.ROOT, "%-22s skipped: %s%n", v.name(), v.note()));
                continue;
            }
            text.append(String.format(Locale.ROOT, "%-22s %8.2f%% %8.1f%% %9.1f%% %11.2f %9.2f %8.1f %8.2f %6d%n",
                    v.name(), 100 * v.accuracy(), 100 * report.relativeAccuracy(v), 100 * report.relativeEmission(v),
                    1000 * v.joulesPerInference(), v.latencyMillis(), v.sizeBytes() / 1e6, v.parameters() / 1e6,
                    v.layers()));
        }
        text.append(String.format(Locale.ROOT, "%n%s on %s (%d examples, %s); head: %s%n", report.model(),
                report.dataset(), report.evalExamples(), report.metric().label(), report.head()));
        text.append(String.format(Locale.ROOT, "energy per inference is %s by %s (relative emission = energy / the "
                + "original's); %s%n", report.energyMethod().toUpperCase(Locale.ROOT), report.energyMeter(),
                report.settings()));
        text.append(report.meterExplanation()).append('\n');
        text.append(String.format(Locale.ROOT, "report: %s, %s, %s, %s%n", result.files().markdown(),
                result.files().json(), result.files().svg(), result.files().png()));
        text.append(String.format(Locale.ROOT, "total %.0f s%n", result.seconds()));
        return text.toString();
    }

    /** A relative path as given, or else from the parent folder (the repository root under Maven). */
    static Path resolve(Path path) {
        if (path.isAbsolute() || Files.exists(path)) {
            return path;
        }
        Path fromParent = Path.of("..").resolve(path).normalize();
        return Files.exists(fromParent) ? fromParent : path;
    }
}
