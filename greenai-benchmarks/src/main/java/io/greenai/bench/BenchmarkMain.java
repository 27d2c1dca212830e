package io.greenai.bench;

import java.io.IOException;

/**
 * Main class of {@code benchmarks.jar}: JMH's command line, with {@code -prof energy} (and
 * {@code -prof energy:options}) meaning {@link EnergyProfiler}.
 *
 * <p>JMH 1.37 knows short profiler names only for its built-in profilers; a profiler registered
 * through {@code META-INF/services/org.openjdk.jmh.profile.Profiler}, as this one is, is listed by
 * {@code -lprof} and found by its full class name. This class rewrites the short name before JMH
 * reads the arguments; everything else goes to {@link org.openjdk.jmh.Main} unchanged.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    /**
     * Runs JMH.
     *
     * @param args JMH's arguments, e.g. {@code InferenceBenchmark -prof energy -f 1}
     * @throws IOException if JMH cannot write its results
     */
    public static void main(String[] args) throws IOException {
        org.openjdk.jmh.Main.main(expandProfilerNames(args));
    }

    /**
     * Replaces {@code energy} after {@code -prof} with the profiler's class name, keeping its options.
     *
     * @param args the command line
     * @return a copy with the short name expanded
     */
    static String[] expandProfilerNames(String[] args) {
        String shortName = EnergyProfiler.SHORT_NAME;
        String[] expanded = args.clone();
        for (int i = 0; i + 1 < expanded.length; i++) {
            if (expanded[i].equals("-prof")) {
                String value = expanded[i + 1];
                if (value.equals(shortName) || value.startsWith(shortName + ":")) {
                    expanded[i + 1] = EnergyProfiler.class.getName() + value.substring(shortName.length());
                }
            }
        }
        return expanded;
    }
}
