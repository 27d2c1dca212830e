package io.greenai.core.energy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The power one fully busy CPU core draws, used by the CPU-time estimate: a process that used
 * {@code s} seconds of CPU time is estimated at {@code s x wattsPerCore} joules. This is
 * CodeCarbon's process-level CPU-load method (power = TDP x process CPU load / cores), written per
 * core. It ignores idle power, memory and frequency, and on SMT machines counts each busy hardware
 * thread as a core, so it is an estimate and is always labelled so.
 *
 * <p>The per-core power comes from, in order: a value or TDP the user gives; a small table of CPU
 * models with their TDP and core count from the vendors' data sheets (the rows as collected in the
 * Green Algorithms project's {@code TDP_cpu.csv}); otherwise {@link #DEFAULT}, 12 W per core, the
 * Green Algorithms figure for an unknown CPU (Lannelongue, Grealey and Inouye, Adv. Sci. 2021).
 * CodeCarbon's own fallback for an unknown CPU is a TDP of 85 W for the whole processor, which
 * depends on the core count it is divided by; on a 2-vCPU VM it would give 42.5 W per core.
 *
 * @param wattsPerCore power of one busy core, in watts
 * @param source where the value comes from, printed with every estimate
 */
public record CpuPower(double wattsPerCore, String source) {

    /** 12 W per core: the Green Algorithms default for a CPU model it does not know. */
    public static final CpuPower DEFAULT = new CpuPower(12.0,
            "default 12 W per core for an unknown CPU (Green Algorithms, Lannelongue et al. 2021)");

    /** A CPU model (a substring of its name, without (R) and (TM)) with its TDP and core count. */
    private record Row(String model, double tdpWatts, int cores) {
    }

    /** Vendor data-sheet values, as listed in Green Algorithms' TDP_cpu.csv (data v3.0). */
    private static final List<Row> TABLE = List.of(
            new Row("EPYC 7763", 280, 64),
            new Row("EPYC 7513", 200, 32),
            new Row("EPYC 7343", 190, 16),
            new Row("Xeon Platinum 8268", 205, 24),
            new Row("Xeon Platinum 8260", 165, 24),
            new Row("Xeon Gold 6248", 150, 20),
            new Row("Xeon Gold 6148", 150, 20),
            new Row("Xeon E5-2683 v4", 120, 16),
            new Row("Core i9-12900K", 125, 16),
            new Row("Core i5-1145G7", 28, 4),
            new Row("Ryzen 9 3950X", 105, 16));

    /**
     * Checks the value.
     *
     * @throws IllegalArgumentException if the power is not a positive finite number
     */
    public CpuPower {
        if (!(wattsPerCore > 0) || Double.isInfinite(wattsPerCore)) {
            throw new IllegalArgumentException("watts per core must be positive and finite: " + wattsPerCore);
        }
        Objects.requireNonNull(source, "source");
    }

    /**
     * Uses a processor's thermal design power spread over its cores.
     *
     * @param tdpWatts the TDP of one processor, in watts (from its data sheet)
     * @param cores the processor's physical cores
     * @return {@code tdpWatts / cores} per core
     * @throws IllegalArgumentException if the TDP is not positive or cores is below 1
     */
    public static CpuPower ofTdp(double tdpWatts, int cores) {
        if (!(tdpWatts > 0) || Double.isInfinite(tdpWatts)) {
            throw new IllegalArgumentException("TDP must be positive and finite: " + tdpWatts);
        }
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1: " + cores);
        }
        return new CpuPower(tdpWatts / cores, String.format(Locale.ROOT, "TDP %s W / %d cores", trim(tdpWatts), cores));
    }

    /**
     * Uses a per-core power the user measured or looked up.
     *
     * @param wattsPerCore watts per busy core
     * @return the value
     * @throws IllegalArgumentException if it is not positive
     */
    public static CpuPower ofWattsPerCore(double wattsPerCore) {
        return new CpuPower(wattsPerCore, "configured " + trim(wattsPerCore) + " W per core");
    }

    /**
     * Looks a CPU model name up in the table.
     *
     * @param modelName e.g. {@code Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz}
     * @return the table's value, or {@link #DEFAULT} for a model it does not hold
     */
    public static CpuPower forModel(String modelName) {
        String normalized = modelName.replace("(R)", "").replace("(TM)", "").replaceAll("\\s+", " ").trim();
        for (Row row : TABLE) {
            if (normalized.contains(row.model())) {
                return new CpuPower(row.tdpWatts() / row.cores(), String.format(Locale.ROOT,
                        "%s: TDP %s W / %d cores (vendor data sheet, via Green Algorithms)", row.model(),
                        trim(row.tdpWatts()), row.cores()));
            }
        }
        return new CpuPower(DEFAULT.wattsPerCore(), "'" + normalized + "' is not in the table: " + DEFAULT.source());
    }

    /**
     * Reads this machine's CPU model from {@code /proc/cpuinfo} and looks it up.
     *
     * @return the table's value, or {@link #DEFAULT} if the model is unknown or cannot be read
     */
    public static CpuPower detect() {
        return cpuModel(Path.of("/proc/cpuinfo")).map(CpuPower::forModel).orElse(DEFAULT);
    }

    static Optional<String> cpuModel(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        return Optional.of(line.substring(colon + 1).trim());
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            // No /proc (macOS, Windows) or no access: the default applies, and its source says so.
            return Optional.empty();
        }
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.3g W per core (%s)", wattsPerCore, source);
    }
}
