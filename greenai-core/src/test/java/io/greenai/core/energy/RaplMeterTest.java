package io.greenai.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.greenai.core.GreenAiException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaplMeterTest {

    @TempDir
    Path root;

    @Test
    void read_returnsPackageEnergySinceStart() {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 1_000_000, FakePowercap.MAX_RANGE);
        tree.zone("intel-rapl:0:0", "core", 500_000, FakePowercap.MAX_RANGE);
        tree.zone("intel-rapl:0:1", "uncore", 100_000, FakePowercap.MAX_RANGE);
        tree.zone("intel-rapl:0:2", "dram", 200_000, FakePowercap.MAX_RANGE);
        tree.zone("intel-rapl:1", "psys", 9_000_000, FakePowercap.MAX_RANGE);
        RaplMeter meter = new RaplMeter(root);

        try (EnergySession session = meter.start()) {
            tree.energy("intel-rapl:0", 3_500_000);
            // Sub-zones and psys move too; none of it may be added to the package.
            tree.energy("intel-rapl:0:0", 2_000_000);
            tree.energy("intel-rapl:0:1", 400_000);
            tree.energy("intel-rapl:0:2", 900_000);
            tree.energy("intel-rapl:1", 19_000_000);
            EnergyReading reading = session.read();

            // 3,500,000 - 1,000,000 uJ = 2.5 J
            assertThat(reading.joules()).isCloseTo(2.5, within(1e-12));
            assertThat(reading.joulesByDomain()).containsExactly(Map.entry("package-0", 2.5));
            assertThat(reading.measured()).isTrue();
            assertThat(reading.meter()).isEqualTo("rapl");
        }
    }

    @Test
    void read_keepsCountingAcrossReads() {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);

        try (EnergySession session = new RaplMeter(root).start()) {
            tree.energy("intel-rapl:0", 1_000_000);
            assertThat(session.read().joules()).isCloseTo(1.0, within(1e-12));
            tree.energy("intel-rapl:0", 4_000_000);
            assertThat(session.read().joules()).isCloseTo(4.0, within(1e-12));
        }
    }

    @Test
    void read_countsOneWrapThroughMaxEnergyRange() {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 262_143_000_000L, FakePowercap.MAX_RANGE);

        try (EnergySession session = new RaplMeter(root).start()) {
            tree.energy("intel-rapl:0", 1_000_000);
            EnergyReading reading = session.read();

            // up to the top: 262,143,328,850 - 262,143,000,000 = 328,850 uJ; then 1,000,000 uJ from 0
            assertThat(reading.joules()).isCloseTo(1.32885, within(1e-12));
        }
    }

    @Test
    void read_addsTwoPackages() {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 10_000_000, FakePowercap.MAX_RANGE);
        tree.zone("intel-rapl:0:0", "core", 0, FakePowercap.MAX_RANGE);
        tree.zone("intel-rapl:1", "package-1", 20_000_000, 30_000_000);
        tree.zone("intel-rapl:1:0", "core", 0, FakePowercap.MAX_RANGE);

        try (EnergySession session = new RaplMeter(root).start()) {
            tree.energy("intel-rapl:0", 17_000_000);
            tree.energy("intel-rapl:1", 2_000_000);
            EnergyReading reading = session.read();

            // package-0: 7 J; package-1 wraps at 30 J: (30 - 20) + 2 = 12 J
            assertThat(reading.joulesByDomain()).containsExactly(Map.entry("package-0", 7.0),
                    Map.entry("package-1", 12.0));
            assertThat(reading.joules()).isCloseTo(19.0, within(1e-12));
        }
    }

    @Test
    void availability_namesPackagesAndSkippedZones() {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);
        tree.zone("intel-rapl:1", "psys", 0, FakePowercap.MAX_RANGE);
        tree.zone("intel-rapl-mmio:0", "package-0", 0, FakePowercap.MAX_RANGE);

        Availability availability = new RaplMeter(root).availability();

        assertThat(availability.available()).isTrue();
        assertThat(availability.detail()).contains("package-0 (intel-rapl:0)").contains("psys")
                .doesNotContain("mmio");
    }

    @Test
    void availability_reportsPermissionDenied() {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);
        Path energy = root.resolve("intel-rapl:0").resolve("energy_uj");
        RaplMeter meter = new RaplMeter(root, file -> {
            if (file.equals(energy)) {
                throw new AccessDeniedException(file.toString());
            }
            return Files.readString(file);
        });

        Availability availability = meter.availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains(energy.toString()).contains("permission denied")
                .contains("root only since Linux 5.10");
        assertThatThrownBy(meter::start).isInstanceOf(MeterUnavailableException.class)
                .hasMessageContaining("permission denied");
    }

    @Test
    void availability_reportsPermissionDeniedByTheFileSystem() throws IOException {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "root reads files whatever their mode; the injected-reader test covers this case");
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);
        Files.setPosixFilePermissions(root.resolve("intel-rapl:0").resolve("energy_uj"),
                PosixFilePermissions.fromString("---------"));

        Availability availability = new RaplMeter(root).availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains("permission denied");
    }

    @Test
    void availability_reportsMissingEnergyFile() throws IOException {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);
        Path energy = root.resolve("intel-rapl:0").resolve("energy_uj");
        Files.delete(energy);

        Availability availability = new RaplMeter(root).availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).isEqualTo(energy + " is missing");
    }

    @Test
    void availability_reportsMissingMaxEnergyRange() throws IOException {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);
        Path range = root.resolve("intel-rapl:0").resolve("max_energy_range_uj");
        Files.delete(range);

        Availability availability = new RaplMeter(root).availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).isEqualTo(range + " is missing");
    }

    @Test
    void availability_reportsMissingPowercapFolder() {
        Path absent = root.resolve("powercap");

        Availability availability = new RaplMeter(absent).availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).startsWith(absent + " does not exist");
    }

    @Test
    void availability_reportsTreeWithoutPackage() {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "psys", 0, FakePowercap.MAX_RANGE);

        Availability availability = new RaplMeter(root).availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains("no RAPL package zone").contains("[psys]");
    }

    @Test
    void availability_reportsCounterThatIsNotANumber() throws IOException {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);
        Files.writeString(root.resolve("intel-rapl:0").resolve("energy_uj"), "n/a\n");

        Availability availability = new RaplMeter(root).availability();

        assertThat(availability.available()).isFalse();
        assertThat(availability.detail()).contains("does not hold a whole number: 'n/a'");
    }

    @Test
    void read_failsNamingTheFileWhenTheCounterDisappears() throws IOException {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);
        Path energy = root.resolve("intel-rapl:0").resolve("energy_uj");

        try (EnergySession session = new RaplMeter(root).start()) {
            Files.delete(energy);

            assertThatThrownBy(session::read).isInstanceOf(GreenAiException.class)
                    .hasMessage(energy + " is missing");
        }
    }

    @Test
    void read_rejectsClosedSession() {
        FakePowercap tree = new FakePowercap(root);
        tree.zone("intel-rapl:0", "package-0", 0, FakePowercap.MAX_RANGE);
        EnergySession session = new RaplMeter(root).start();
        session.close();

        assertThatThrownBy(session::read).isInstanceOf(IllegalStateException.class);
    }
}
