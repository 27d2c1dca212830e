package io.greenai.core.energy;

import io.greenai.core.GreenAiException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Intel and AMD RAPL energy counters through Linux powercap
 * ({@code /sys/class/powercap/intel-rapl:N/energy_uj}).
 *
 * <p>Only the top-level zones named {@code package-N} are added up, one per CPU socket. Their
 * sub-zones ({@code intel-rapl:N:M}: core, uncore) are parts of the package and would count the
 * same energy twice; {@code dram} lies outside the package and is left out, as CodeCarbon does by
 * default; a top-level {@code psys} zone covers the whole platform, packages included, and is left
 * out too; {@code intel-rapl-mmio} zones repeat the package counter through another interface and
 * are never listed. Each counter wraps to 0 after {@code max_energy_range_uj}; a reading adds
 * {@code max - previous + current} when it sees the counter go down, so a session must be read at
 * least once per wrap period (about 43 minutes at 100 W for the common 262 kJ range).
 *
 * <p>Since Linux 5.10 the {@code energy_uj} files are readable by root only (CVE-2020-8694), and
 * most VMs and containers have no powercap tree at all; the meter then reports itself unavailable
 * with the file and the reason.
 */
final class RaplMeter extends ProbedMeter {

    /** Where Linux exposes powercap zones. */
    static final Path DEFAULT_ROOT = Path.of("/sys/class/powercap");

    private static final Pattern TOP_LEVEL_ZONE = Pattern.compile("intel-rapl:(\\d+)");

    /** Reads one small text file; tests replace it to simulate files that cannot be read. */
    @FunctionalInterface
    interface FileReader {
        String read(Path file) throws IOException;
    }

    /** One package zone: its name and files. */
    record Zone(String name, Path directory, long maxEnergyRangeMicrojoules) {

        Path energyFile() {
            return directory.resolve("energy_uj");
        }
    }

    private final Path root;
    private final FileReader reader;
    private List<Zone> zones;

    /**
     * Creates a meter over a powercap tree.
     *
     * @param root the powercap folder, normally {@link #DEFAULT_ROOT}
     */
    RaplMeter(Path root) {
        this(root, Files::readString);
    }

    RaplMeter(Path root, FileReader reader) {
        super("rapl", "RAPL");
        this.root = root;
        this.reader = reader;
    }

    @Override
    EnergySession open() {
        return new Session(zones);
    }

    @Override
    Availability probe() {
        if (!Files.isDirectory(root)) {
            return Availability.unavailable(root + " does not exist: this machine exposes no powercap "
                    + "interface (usual in VMs and containers)");
        }
        List<Path> topLevel = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                if (TOP_LEVEL_ZONE.matcher(entry.getFileName().toString()).matches()) {
                    topLevel.add(entry);
                }
            }
        } catch (IOException e) {
            return Availability.unavailable("cannot list " + root + ": " + e);
        }
        topLevel.sort(Comparator.comparingInt(RaplMeter::zoneIndex));
        List<Zone> found = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try {
            for (Path directory : topLevel) {
                String zoneName = readText(directory.resolve("name"));
                if (!zoneName.startsWith("package")) {
                    skipped.add(zoneName);
                    continue;
                }
                long max = readLong(directory.resolve("max_energy_range_uj"));
                if (max <= 0) {
                    return Availability.unavailable(directory.resolve("max_energy_range_uj")
                            + " must be positive: " + max);
                }
                readLong(directory.resolve("energy_uj"));
                found.add(new Zone(zoneName, directory, max));
            }
        } catch (UnreadableFileException e) {
            return Availability.unavailable(e.getMessage());
        }
        if (found.isEmpty()) {
            return Availability.unavailable("no RAPL package zone (intel-rapl:N named package-N) under " + root
                    + (skipped.isEmpty() ? "" : "; found only " + skipped));
        }
        zones = List.copyOf(found);
        List<String> names = found.stream().map(zone -> zone.name() + " (" + zone.directory().getFileName() + ")")
                .toList();
        return Availability.available(String.join(", ", names) + " under " + root
                + "; sub-zones, dram and psys are not added"
                + (skipped.isEmpty() ? "" : " (skipped top-level zones: " + String.join(", ", skipped) + ")"));
    }

    private static int zoneIndex(Path directory) {
        Matcher matcher = TOP_LEVEL_ZONE.matcher(directory.getFileName().toString());
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : Integer.MAX_VALUE;
    }

    private String readText(Path file) throws UnreadableFileException {
        try {
            return reader.read(file).trim();
        } catch (AccessDeniedException e) {
            throw new UnreadableFileException(file + " is not readable (permission denied): RAPL counters are "
                    + "readable by root only since Linux 5.10 (CVE-2020-8694); run as root or grant read access, "
                    + "e.g. sudo chmod a+r /sys/class/powercap/intel-rapl:*/energy_uj", e);
        } catch (NoSuchFileException e) {
            throw new UnreadableFileException(file + " is missing", e);
        } catch (IOException e) {
            throw new UnreadableFileException("cannot read " + file + ": " + e, e);
        }
    }

    private long readLong(Path file) throws UnreadableFileException {
        String text = readText(file);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UnreadableFileException(file + " does not hold a whole number: '" + text + "'", e);
        }
    }

    /**
     * The energy a counter advanced from {@code previous} to {@code current}, counting one wrap to 0
     * after {@code max}.
     */
    static long advance(long previous, long current, long max) {
        return current >= previous ? current - previous : max - previous + current;
    }

    /** A checked failure that carries the sentence used as an availability reason. */
    private static final class UnreadableFileException extends Exception {

        private static final long serialVersionUID = 1L;

        UnreadableFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final class Session implements EnergySession {

        private final List<Zone> zones;
        private final long[] last;
        private final long[] microjoules;
        private final long startNanos;
        private boolean closed;

        Session(List<Zone> zones) {
            this.zones = zones;
            this.last = new long[zones.size()];
            this.microjoules = new long[zones.size()];
            for (int i = 0; i < zones.size(); i++) {
                last[i] = counter(zones.get(i));
            }
            this.startNanos = System.nanoTime();
        }

        @Override
        public synchronized EnergyReading read() {
            if (closed) {
                throw new IllegalStateException("the RAPL session is closed");
            }
            long now = System.nanoTime();
            Map<String, Double> domains = new LinkedHashMap<>();
            double total = 0;
            for (int i = 0; i < zones.size(); i++) {
                Zone zone = zones.get(i);
                long current = counter(zone);
                microjoules[i] += advance(last[i], current, zone.maxEnergyRangeMicrojoules());
                last[i] = current;
                double joules = microjoules[i] / 1e6;
                domains.put(zone.name(), joules);
                total += joules;
            }
            return new EnergyReading(name(), true, total, now - startNanos, domains);
        }

        private long counter(Zone zone) {
            try {
                return readLong(zone.energyFile());
            } catch (UnreadableFileException e) {
                throw new GreenAiException(e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
        }
    }
}
