package io.greenai.core.energy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a powercap tree as Linux lays it out under {@code /sys/class/powercap}: every zone,
 * sub-zones included, is an entry of the root ({@code intel-rapl:0}, {@code intel-rapl:0:0} ...).
 */
final class FakePowercap {

    /** The common range of a package counter, in microjoules (about 262 kJ). */
    static final long MAX_RANGE = 262_143_328_850L;

    private final Path root;

    FakePowercap(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** Writes a zone with its name, counter and range; returns its folder. */
    Path zone(String directory, String name, long energyMicrojoules, long maxRange) {
        Path zone = root.resolve(directory);
        try {
            Files.createDirectories(zone);
            Files.writeString(zone.resolve("name"), name + "\n");
            Files.writeString(zone.resolve("max_energy_range_uj"), maxRange + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        energy(directory, energyMicrojoules);
        return zone;
    }

    /** Sets a zone's counter, as the kernel would after the CPU used energy. */
    void energy(String directory, long energyMicrojoules) {
        try {
            Files.writeString(root.resolve(directory).resolve("energy_uj"), energyMicrojoules + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
