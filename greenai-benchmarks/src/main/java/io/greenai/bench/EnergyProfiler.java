package io.greenai.bench;

import io.greenai.core.carbon.CarbonIntensity;
import io.greenai.core.carbon.Pue;
import io.greenai.core.energy.CpuPower;
import io.greenai.core.energy.EnergyMeter;
import io.greenai.core.energy.EnergyMeters;
import io.greenai.core.energy.EnergyReading;
import io.greenai.core.energy.EnergySession;
import io.greenai.core.energy.MeterChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.results.TextResult;
import org.openjdk.jmh.runner.IterationType;

/**
 * JMH profiler that reports energy and emissions per benchmark operation beside JMH's time per
 * operation: {@code energy.measured} or {@code energy.estimated} in J/op, {@code co2e.measured} or
 * {@code co2e.estimated} in milligrams CO2e per operation (mg/op), and the mean power in W. The
 * label says whether the meter read hardware counters (RAPL, NVML) or estimated from CPU time; a
 * text result, {@code energy.meter}, names the meter and says why it was chosen.
 *
 * <p>Use it by class name from any JMH jar, or by its short name from GreenAI's
 * {@code benchmarks.jar} (whose main class, {@link BenchmarkMain}, maps {@code energy} to this
 * class; JMH 1.37 itself resolves short names only for its built-in profilers):
 *
 * <pre>
 * java -jar greenai-benchmarks/target/benchmarks.jar InferenceBenchmark -prof energy
 * java -jar greenai-benchmarks/target/benchmarks.jar InferenceBenchmark -prof "energy:carbon=JP;pue=1.58"
 * java -jar other-benchmarks.jar -prof io.greenai.bench.EnergyProfiler
 * </pre>
 *
 * <p>Options, separated by {@code ;} as for JMH's own profilers:
 * <ul>
 *   <li>{@code meter=auto|rapl|nvml|nvml-sampled|estimate}: {@code auto} (default) is
 *       {@link EnergyMeters#best()}: RAPL for the CPU if readable, else the CPU-time estimate, plus
 *       NVML for NVIDIA GPUs when present;</li>
 *   <li>{@code carbon=world|JP|FR|DE|CN|IN|<gCO2e/kWh>}: grid intensity, default {@code world}
 *       (475, IEA 2019);</li>
 *   <li>{@code pue=<value>}: facility overhead, default 1.0;</li>
 *   <li>{@code tdp=<W>;cores=<n>} or {@code wattsPerCore=<W>}: power for the CPU-time estimate,
 *       default looked up from the CPU model ({@link CpuPower#detect()});</li>
 *   <li>{@code powercap=<folder>}: where the RAPL zones are, default {@code /sys/class/powercap}.</li>
 * </ul>
 *
 * <p>The energy of an iteration is read from the start of the iteration to its end and divided by
 * all the operations JMH ran in it. Hardware meters read the whole CPU package or GPU board, idle
 * power and other processes included; the estimate counts the forked JVM's CPU time, JMH's own
 * threads included.
 */
public final class EnergyProfiler implements InternalProfiler {

    /** The name {@link BenchmarkMain} maps to this class in {@code -prof}. */
    public static final String SHORT_NAME = "energy";

    private static final Set<String> OPTIONS = Set.of("meter", "carbon", "pue", "tdp", "cores", "wattsPerCore",
            "powercap");

    private final Map<String, String> options;
    private final CarbonIntensity intensity;
    private final Pue pue;
    private EnergyMeter meter;
    private String meterExplanation;
    private EnergySession session;
    private int measurementIterations;

    /**
     * Creates the profiler with the defaults. Cheap and never fails: JMH's profiler discovery
     * creates every registered profiler this way just to learn its class.
     */
    public EnergyProfiler() {
        this.options = Map.of();
        this.intensity = CarbonIntensity.WORLD;
        this.pue = Pue.NONE;
    }

    /**
     * Creates the profiler from JMH's option string (what follows {@code energy:} in {@code -prof}).
     * Only the options are read here; the hardware is probed in the forked JVM, at the first
     * iteration.
     *
     * @param initLine options such as {@code carbon=JP;pue=1.2}, or empty
     * @throws ProfilerException naming an unknown option or a value that cannot be read
     */
    public EnergyProfiler(String initLine) throws ProfilerException {
        this.options = parse(initLine);
        try {
            this.intensity = options.containsKey("carbon") ? CarbonIntensity.parse(options.get("carbon"))
                    : CarbonIntensity.WORLD;
            this.pue = options.containsKey("pue") ? Pue.of(number("pue")) : Pue.NONE;
            cpuPower();
            String meterOption = options.getOrDefault("meter", "auto");
            if (!Set.of("auto", "rapl", "nvml", "nvml-sampled", "estimate").contains(meterOption)) {
                throw new IllegalArgumentException("meter must be auto, rapl, nvml, nvml-sampled or estimate: '"
                        + meterOption + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new ProfilerException("energy profiler: " + e.getMessage(), e);
        }
    }

    /** For tests: a given meter, intensity and PUE. */
    EnergyProfiler(EnergyMeter meter, CarbonIntensity intensity, Pue pue) {
        this.options = Map.of();
        this.intensity = intensity;
        this.pue = pue;
        this.meter = meter;
        this.meterExplanation = "energy meter: " + meter.name() + " (" + (meter.measured() ? "measured" : "estimated")
                + "): " + meter.availability().detail();
    }

    static Map<String, String> parse(String initLine) throws ProfilerException {
        Map<String, String> parsed = new LinkedHashMap<>();
        if (initLine == null || initLine.isBlank()) {
            return parsed;
        }
        for (String part : initLine.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 1) {
                throw new ProfilerException("energy profiler: option must be key=value: '" + part + "'");
            }
            String key = part.substring(0, eq).trim();
            if (!OPTIONS.contains(key)) {
                throw new ProfilerException("energy profiler: unknown option '" + key + "'; known: meter, carbon, "
                        + "pue, tdp, cores, wattsPerCore, powercap");
            }
            parsed.put(key, part.substring(eq + 1).trim());
        }
        return parsed;
    }

    private double number(String key) {
        String text = options.get(key);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number: '" + text + "'", e);
        }
    }

    private CpuPower cpuPower() {
        if (options.containsKey("wattsPerCore")) {
            return CpuPower.ofWattsPerCore(number("wattsPerCore"));
        }
        if (options.containsKey("tdp") != options.containsKey("cores")) {
            throw new IllegalArgumentException("tdp and cores go together, e.g. tdp=280;cores=64");
        }
        if (options.containsKey("tdp")) {
            return CpuPower.ofTdp(number("tdp"), (int) number("cores"));
        }
        return CpuPower.detect();
    }

    private void chooseMeter() {
        String choice = options.getOrDefault("meter", "auto");
        Path powercap = Path.of(options.getOrDefault("powercap", "/sys/class/powercap"));
        if (choice.equals("auto")) {
            MeterChoice best = EnergyMeters.best(cpuPower(), powercap);
            meter = best.meter();
            meterExplanation = best.explain();
            return;
        }
        meter = switch (choice) {
            case "rapl" -> EnergyMeters.rapl(powercap);
            case "nvml" -> EnergyMeters.nvml();
            case "nvml-sampled" -> EnergyMeters.nvmlPowerSampling(Duration.ofMillis(50));
            default -> EnergyMeters.cpuEstimate(cpuPower());
        };
        meterExplanation = "energy meter: " + meter.name() + " (" + (meter.measured() ? "measured" : "estimated")
                + ", chosen with meter=" + choice + "): " + meter.availability();
    }

    @Override
    public String getDescription() {
        return "Energy (J/op) and CO2e (mg/op) per operation from RAPL, NVML or a CPU-time estimate, labelled "
                + "measured or estimated";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        if (meter == null) {
            chooseMeter();
        }
        if (session != null) {
            session.close();
        }
        session = meter.start();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        EnergyReading reading;
        try {
            reading = session.read();
        } finally {
            session.close();
            session = null;
        }
        boolean last = iterationParams.getType() == IterationType.MEASUREMENT
                && ++measurementIterations == iterationParams.getCount();
        return results(reading, result.getMetadata().getAllOps(), last);
    }

    /**
     * Turns one iteration's reading into JMH results.
     *
     * @param reading the energy of the iteration
     * @param operations every operation run in the iteration, on all threads
     * @param lastMeasurement add the text result that names the meter
     */
    List<Result> results(EnergyReading reading, long operations, boolean lastMeasurement) {
        List<Result> results = new ArrayList<>();
        String method = reading.method();
        if (operations > 0) {
            double joulesPerOp = reading.joules() / operations;
            double kilowattHoursPerOp = joulesPerOp * pue.value() / CarbonIntensity.JOULES_PER_KILOWATT_HOUR;
            results.add(new ScalarResult("energy." + method, joulesPerOp, "J/op", AggregationPolicy.AVG));
            // Milligrams: JMH prints three decimals, and grams per inference would read as 0.000.
            results.add(new ScalarResult("co2e." + method, kilowattHoursPerOp * intensity.gramsPerKilowattHour() * 1e3,
                    "mg/op", AggregationPolicy.AVG));
        }
        results.add(new ScalarResult("power." + method, reading.watts(), "W", AggregationPolicy.AVG));
        if (lastMeasurement) {
            results.add(new TextResult(String.format(Locale.ROOT, "%s%n  carbon: %s; %s%n", meterExplanation,
                    intensity, pue), "energy.meter"));
        }
        return results;
    }
}
