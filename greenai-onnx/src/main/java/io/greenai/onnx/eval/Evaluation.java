package io.greenai.onnx.eval;

import io.greenai.core.Compressor;
import io.greenai.core.carbon.CarbonIntensity;
import io.greenai.core.data.DataSplit;
import io.greenai.core.data.Dataset;
import io.greenai.core.data.LabeledText;
import io.greenai.core.energy.EnergyMeasurement;
import io.greenai.core.energy.EnergyMeter;
import io.greenai.core.energy.EnergyMeters;
import io.greenai.core.energy.EnergyReport;
import io.greenai.core.energy.MeterChoice;
import io.greenai.core.eval.EvaluationReport;
import io.greenai.core.eval.Metric;
import io.greenai.core.eval.Progress;
import io.greenai.core.eval.Recipe;
import io.greenai.core.eval.VariantResult;
import io.greenai.onnx.OnnxModel;
import io.greenai.onnx.runtime.OrtOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an ONNX classifier (the teacher) and each compressed variant of it over a dataset, and
 * reports accuracy and the task's GLUE metric, latency and energy per inference, size and
 * parameters, and the relative accuracy and relative emission of each variant.
 *
 * <pre>{@code
 * OnnxModel classifier = ClassifierHead.fit(encoder, data.train()).attachTo(encoder);
 * EvaluationReport report = Evaluation.of(classifier, data)
 *         .recipes(Recipe.standard(6, 0.5))
 *         .progress(Progress.console(System.out))
 *         .run();
 * Reports.write(report, Path.of("target/greenai-report"));
 * }</pre>
 *
 * <p>Each recipe is built from the classifier (or from the result of its {@link Recipe#base() base}
 * recipe), so the compressed students start with the head fit on the teacher; distillation refits
 * that head to the teacher's logits on unlabeled calibration texts. With {@link #refitHeads} each
 * compressed variant's head is then fit again on the same labeled examples as the teacher's head
 * (a variant whose head is quantized keeps the head of its base recipe). A recipe whose step
 * this version cannot do ({@code UnsupportedOperationException}, e.g. a quantization not yet
 * implemented) is reported as skipped with the reason; any other failure propagates.
 *
 * <p>Energy: each variant runs {@code energyRuns} single inferences (batch 1, after
 * {@code warmupRuns}) over the same evaluation texts under {@link EnergyMeasurement} with one meter,
 * {@link EnergyMeters#best()} unless given, so every figure is labelled measured or estimated with
 * the meter's name. The runs are split into 4 rounds that take the variants in turn, so drift on a
 * shared machine falls on all of them. Latency is the mean wall-clock time of those runs. Every
 * setting is optional. All variants are held in memory until their energy is measured.
 */
public final class Evaluation {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);
    private static final long CALIBRATION_SEED = 17;
    /** Energy is measured in this many rounds that take the variants in turn. */
    private static final int ENERGY_ROUNDS = 4;

    private final OnnxModel classifier;
    private final DataSplit data;
    private List<Recipe<OnnxModel>> recipes = Recipe.standard(6, 0.5);
    private int calibrationTexts = 256;
    private int energyRuns = 200;
    private int warmupRuns = 20;
    private int energyTexts = 50;
    private EnergyMeter meter;
    private CarbonIntensity intensity = CarbonIntensity.WORLD;
    private OrtOptions ortOptions = OrtOptions.defaults();
    private int maxTokens = 256;
    private int batchSize = 32;
    private Progress progress = Progress.none();
    private Path modelFolder;
    private Dataset headTraining;
    private HeadOptions headOptions;

    private Evaluation(OnnxModel classifier, DataSplit data) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.data = Objects.requireNonNull(data, "data");
    }

    /**
     * Starts an evaluation.
     *
     * @param classifier the original classifier, with a tokenizer: a model from
     *     {@link ClassifierHead#attachTo}, or an exported sequence-classification model
     * @param data the training part gives calibration texts; accuracy is measured on the evaluation part
     * @return the evaluation, with default settings
     * @throws io.greenai.core.UnsupportedModelException if the model has no {@code logits} output
     */
    public static Evaluation of(OnnxModel classifier, DataSplit data) {
        TextClassifier.logitsOutput(classifier);
        return new Evaluation(classifier, data);
    }

    /**
     * Sets the recipes; the original is measured first whether listed or not.
     *
     * @param recipes default {@link Recipe#standard(int, double) Recipe.standard(6, 0.5)}
     * @return this evaluation
     * @throws IllegalArgumentException if two recipes share a name or one names an unknown or later base
     */
    public Evaluation recipes(List<Recipe<OnnxModel>> recipes) {
        List<Recipe<OnnxModel>> list = new ArrayList<>(recipes);
        if (list.isEmpty() || !list.get(0).isOriginal()) {
            list.removeIf(Recipe::isOriginal);
            list.add(0, Recipe.original());
        }
        Set<String> seen = new java.util.HashSet<>();
        for (Recipe<OnnxModel> recipe : list) {
            if (recipe.base() != null && !seen.contains(recipe.base())) {
                throw new IllegalArgumentException("recipe '" + recipe.name() + "' starts from '" + recipe.base()
                        + "', which is not an earlier recipe");
            }
            if (!seen.add(recipe.name())) {
                throw new IllegalArgumentException("two recipes are named '" + recipe.name() + "'");
            }
        }
        this.recipes = List.copyOf(list);
        return this;
    }

    /**
     * Fits each compressed variant's linear head again on its own features, with
     * {@link ClassifierHead#refit}, as a compressed model is fine-tuned on its task before use. Pass
     * the labeled examples and options the teacher's head was fit with, so teacher and students are
     * fit alike. Off by default: the students keep the (distilled) teacher head.
     *
     * @param train the labeled examples the teacher's head was fit on
     * @param options the teacher head's solver and penalty
     * @return this evaluation
     */
    public Evaluation refitHeads(Dataset train, HeadOptions options) {
        this.headTraining = Objects.requireNonNull(train, "train");
        this.headOptions = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * Sets how many training texts are given to the recipes as calibration data.
     *
     * @param count at least 1; default 256 (fewer if the training part is smaller)
     * @return this evaluation
     * @throws IllegalArgumentException if the count is below 1
     */
    public Evaluation calibrationTexts(int count) {
        this.calibrationTexts = positive("calibrationTexts", count);
        return this;
    }

    /**
     * Sets the single inferences measured per variant for energy and latency.
     *
     * @param runs at least 1; default 200
     * @return this evaluation
     * @throws IllegalArgumentException if the count is below 1
     */
    public Evaluation energyRuns(int runs) {
        this.energyRuns = positive("energyRuns", runs);
        return this;
    }

    /**
     * Sets the unmeasured inferences before the measured ones.
     *
     * @param runs at least 0; default 20
     * @return this evaluation
     * @throws IllegalArgumentException if the count is negative
     */
    public Evaluation warmupRuns(int runs) {
        if (runs < 0) {
            throw new IllegalArgumentException("warmupRuns must be >= 0: " + runs);
        }
        this.warmupRuns = runs;
        return this;
    }

    /**
     * Sets the energy meter.
     *
     * @param meter default {@link EnergyMeters#best()}
     * @return this evaluation
     */
    public Evaluation meter(EnergyMeter meter) {
        this.meter = Objects.requireNonNull(meter, "meter");
        return this;
    }

    /**
     * Sets the grid's carbon intensity for the CO2e figures.
     *
     * @param value default {@link CarbonIntensity#WORLD}
     * @return this evaluation
     */
    public Evaluation carbonIntensity(CarbonIntensity value) {
        this.intensity = Objects.requireNonNull(value, "value");
        return this;
    }

    /**
     * Sets the ONNX Runtime options of every session.
     *
     * @param options default {@link OrtOptions#defaults()}
     * @return this evaluation
     */
    public Evaluation ortOptions(OrtOptions options) {
        this.ortOptions = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * Sets the longest text in tokens.
     *
     * @param tokens at least 2; default 256
     * @return this evaluation
     * @throws IllegalArgumentException if below 2
     */
    public Evaluation maxTokens(int tokens) {
        if (tokens < 2) {
            throw new IllegalArgumentException("maxTokens must be >= 2: " + tokens);
        }
        this.maxTokens = tokens;
        return this;
    }

    /**
     * Sets how many examples run together when accuracy is measured.
     *
     * @param size at least 1; default 32
     * @return this evaluation
     * @throws IllegalArgumentException if below 1
     */
    public Evaluation batchSize(int size) {
        this.batchSize = positive("batchSize", size);
        return this;
    }

    /**
     * Reports progress through the long steps.
     *
     * @param value e.g. {@link Progress#console(java.io.PrintStream)}; default silent
     * @return this evaluation
     */
    public Evaluation progress(Progress value) {
        this.progress = Objects.requireNonNull(value, "value");
        return this;
    }

    /**
     * Saves every variant's model into this folder as {@code <recipe>.onnx}.
     *
     * @param folder created if needed
     * @return this evaluation
     */
    public Evaluation saveModelsTo(Path folder) {
        this.modelFolder = Objects.requireNonNull(folder, "folder");
        return this;
    }

    /**
     * Builds and measures every variant.
     *
     * @return the report, the original first
     * @throws io.greenai.core.energy.MeterUnavailableException if no energy meter can be used
     * @throws io.greenai.core.GreenAiException if a recipe or a run fails for another reason than a
     *     step not available in this version
     */
    public EvaluationReport run() {
        String explanation;
        EnergyMeter chosen;
        if (meter != null) {
            chosen = meter;
            explanation = "energy meter: " + meter.name() + (meter.measured() ? " (measured)" : " (estimated)")
                    + ", given by the caller: " + meter.availability().detail();
        } else {
            MeterChoice choice = EnergyMeters.best();
            chosen = choice.meter();
            explanation = choice.explain();
        }
        List<String> calibration = data.train().shuffled(CALIBRATION_SEED)
                .first(Math.min(calibrationTexts, data.train().size())).examples().stream()
                .map(e -> e.isPair() ? e.text() + " " + e.pair() : e.text()).toList();
        List<LabeledText> examples = data.eval().examples();
        int[] expected = data.eval().labels();
        Metric metric = Metric.forTask(data.eval().task());
        List<LabeledText> timed = examples.subList(0, Math.min(energyTexts, examples.size()));

        Map<String, OnnxModel> built = new HashMap<>();
        Set<String> needed = recipes.stream().map(Recipe::base).filter(Objects::nonNull).collect(Collectors.toSet());
        List<VariantResult> results = new ArrayList<>();
        List<Measured> measured = new ArrayList<>();
        int[] reference = null;
        for (Recipe<OnnxModel> recipe : recipes) {
            long start = System.nanoTime();
            OnnxModel model;
            String plan;
            if (recipe.isOriginal()) {
                model = classifier;
                plan = "original";
            } else {
                OnnxModel from = recipe.base() == null ? classifier : built.get(recipe.base());
                Compressor<OnnxModel> compressor;
                try {
                    compressor = recipe.steps().apply(Compressor.of(from == null ? classifier : from), classifier,
                            calibration);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new IllegalArgumentException("recipe '" + recipe.name() + "': " + e.getMessage(), e);
                }
                plan = (recipe.base() == null ? "" : recipe.base() + " + ") + compressor.plan();
                if (from == null) {
                    results.add(VariantResult.skipped(recipe.name(), plan, "its base recipe '" + recipe.base()
                            + "' was skipped"));
                    continue;
                }
                try (Progress.Step step = progress.start("compress: " + recipe.name(), 1)) {
                    model = compressor.build();
                    step.advance(1);
                } catch (UnsupportedOperationException e) {
                    LOG.info("recipe '{}' skipped: {}", recipe.name(), e.getMessage());
                    results.add(VariantResult.skipped(recipe.name(), plan, e.getMessage()));
                    continue;
                }
                if (headTraining != null && ClassifierHead.hasRefittableHead(model)) {
                    model = ClassifierHead.refit(model, headTraining, headOptions, progress);
                    plan = plan + ", refit head";
                }
            }
            double compressSeconds = (System.nanoTime() - start) / 1e9;
            if (needed.contains(recipe.name())) {
                built.put(recipe.name(), model);
            }
            if (modelFolder != null) {
                save(model, recipe.name());
            }
            int[] predicted;
            try (TextClassifier runner = TextClassifier.open(model, ortOptions, maxTokens);
                    Progress.Step step = progress.start("evaluate: " + recipe.name(), examples.size())) {
                float[][] logits = runner.logits(examples, batchSize, step);
                predicted = new int[logits.length];
                for (int i = 0; i < logits.length; i++) {
                    predicted[i] = TextClassifier.argmax(logits[i]);
                }
            }
            if (reference == null) {
                reference = predicted;
            }
            measured.add(new Measured(results.size(), recipe, plan, model, predicted,
                    recipe.isOriginal() ? 0 : compressSeconds));
            results.add(null);
        }
        measureEnergy(measured, timed, chosen);
        for (Measured m : measured) {
            double accuracy = Metric.ACCURACY.compute(m.predicted, expected);
            results.set(m.slot, new VariantResult(m.recipe.name(), m.plan, VariantResult.Status.OK, "", accuracy,
                    metric.compute(m.predicted, expected), Metric.ACCURACY.compute(m.predicted, reference),
                    m.seconds / energyRounds() * 1000, m.joules / energyRounds(), m.grams / energyRounds(),
                    m.model.sizeBytes(), m.model.parameterCount(), layerCount(m.model, classifier),
                    m.compressSeconds));
            LOG.info("{}: accuracy {}, {} J per inference ({} by {}), {} ms", m.recipe.name(), accuracy,
                    m.joules / energyRounds(), chosen.measured() ? "measured" : "estimated", chosen.name(),
                    m.seconds / energyRounds() * 1000);
        }
        String head = classifier.metadata().getOrDefault(ClassifierHead.HEAD_KEY, "the model's own classifier head");
        int trainExamples = Integer.parseInt(classifier.metadata().getOrDefault(ClassifierHead.TRAIN_EXAMPLES_KEY, "0"));
        String settings = String.format(Locale.ROOT, "energy and latency over %d single inferences per variant (batch "
                + "1, after %d warm-up runs) cycling through %d evaluation texts, in %d rounds that take the variants in "
                + "turn; accuracy in batches of %d; up to %d tokens; ONNX Runtime %s intra-op threads, CPU; %d "
                + "calibration texts from the training part%s", energyRounds() * runsPerRound(), warmupRuns,
                timed.size(), energyRounds(), batchSize, maxTokens, ortOptions.intraOpThreads() == 0 ? "default"
                        : String.valueOf(ortOptions.intraOpThreads()), calibration.size(),
                headTraining == null ? "; compressed variants keep the teacher's head, as distillation refit it"
                        : "; each compressed variant's head refit on the " + headTraining.size()
                                + " labeled examples of the teacher's head (INT8 and INT4 leave the head in float, "
                                + "so it is refit on the quantized features)");
        return new EvaluationReport(classifier.name(), data.eval().name(), data.eval().task(), metric, examples.size(),
                trainExamples, head, chosen.name(), chosen.measured(), explanation,
                intensity.gramsPerKilowattHour(), machine(), settings, results);
    }

    /** A built variant waiting for its energy figures. */
    private static final class Measured {
        final int slot;
        final Recipe<OnnxModel> recipe;
        final String plan;
        final OnnxModel model;
        final int[] predicted;
        final double compressSeconds;
        double joules;
        double seconds;
        double grams;

        Measured(int slot, Recipe<OnnxModel> recipe, String plan, OnnxModel model, int[] predicted,
                double compressSeconds) {
            this.slot = slot;
            this.recipe = recipe;
            this.plan = plan;
            this.model = model;
            this.predicted = predicted;
            this.compressSeconds = compressSeconds;
        }
    }

    private int energyRounds() {
        return Math.min(ENERGY_ROUNDS, energyRuns);
    }

    private int runsPerRound() {
        return Math.max(1, energyRuns / energyRounds());
    }

    /**
     * Measures every variant in rounds that take them in turn, so that a slow spell of a shared
     * machine (another job, a CPU frequency change) falls on all of them rather than on one.
     */
    private void measureEnergy(List<Measured> variants, List<LabeledText> timed, EnergyMeter chosen) {
        List<TextClassifier> runners = new ArrayList<>();
        try (Progress.Step step = progress.start("energy: " + variants.size() + " variants", (long) variants.size()
                * energyRounds())) {
            List<List<Map<String, long[][]>>> inputs = new ArrayList<>();
            for (Measured m : variants) {
                TextClassifier runner = TextClassifier.open(m.model, ortOptions, maxTokens);
                runners.add(runner);
                inputs.add(timed.stream().map(runner::encode).toList());
            }
            for (int round = 0; round < energyRounds(); round++) {
                for (int v = 0; v < variants.size(); v++) {
                    TextClassifier runner = runners.get(v);
                    List<Map<String, long[][]>> feed = inputs.get(v);
                    int[] next = {0};
                    EnergyReport report = EnergyMeasurement.of(() -> runner.run(feed.get(next[0]++ % feed.size())))
                            .meter(chosen).warmupRuns(round == 0 ? warmupRuns : Math.min(warmupRuns, 3))
                            .runs(runsPerRound()).carbonIntensity(intensity).run();
                    Measured m = variants.get(v);
                    m.joules += report.joulesPerRun();
                    m.seconds += report.secondsPerRun();
                    m.grams += report.gramsCo2ePerRun();
                    step.advance(1);
                }
            }
        } finally {
            runners.forEach(TextClassifier::close);
        }
    }

    private void save(OnnxModel model, String recipe) {
        try {
            Files.createDirectories(modelFolder);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + modelFolder, e);
        }
        String file = recipe.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "") + ".onnx";
        model.save(modelFolder.resolve(file));
    }

    private static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1: " + value);
        }
        return value;
    }

    /** The CPU model, core count and OS, for the report. */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            Path info = Path.of("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                cpu = Files.readAllLines(info).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
            }
        } catch (IOException e) {
            LOG.debug("cannot read /proc/cpuinfo", e);
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch");
    }

    /**
     * The layers of a variant. A quantized graph is not discovered again, so its count comes from the
     * original's minus the layers its metadata says were removed.
     */
    private static int layerCount(OnnxModel model, OnnxModel original) {
        try {
            return model.structure().layerCount();
        } catch (io.greenai.core.UnsupportedModelException e) {
            String removed = model.metadata().getOrDefault("greenai.removed_layers", "");
            int count = removed.isEmpty() ? 0 : removed.substring(removed.indexOf(':') + 1).split(",").length;
            return original.structure().layerCount() - count;
        }
    }
}
