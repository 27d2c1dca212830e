package io.greenai.core.energy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Adds up meters that read different hardware (the CPU and the GPUs). Measured only if every part
 * is measured.
 */
final class CompositeMeter implements EnergyMeter {

    private final List<EnergyMeter> parts;

    CompositeMeter(List<EnergyMeter> parts) {
        if (parts.size() < 2) {
            throw new IllegalArgumentException("a composite meter needs at least 2 parts: " + parts.size());
        }
        this.parts = List.copyOf(parts);
    }

    @Override
    public String name() {
        return parts.stream().map(EnergyMeter::name).collect(Collectors.joining("+"));
    }

    @Override
    public boolean measured() {
        return parts.stream().allMatch(EnergyMeter::measured);
    }

    @Override
    public Availability availability() {
        List<String> details = new ArrayList<>();
        for (EnergyMeter part : parts) {
            Availability status = part.availability();
            if (!status.available()) {
                return Availability.unavailable(part.name() + ": " + status.detail());
            }
            details.add(part.name() + ": " + status.detail());
        }
        return Availability.available(String.join("; ", details));
    }

    @Override
    public EnergySession start() {
        List<EnergySession> sessions = new ArrayList<>();
        try {
            for (EnergyMeter part : parts) {
                sessions.add(part.start());
            }
        } catch (RuntimeException e) {
            sessions.forEach(EnergySession::close);
            throw e;
        }
        return new EnergySession() {
            @Override
            public EnergyReading read() {
                Map<String, Double> domains = new LinkedHashMap<>();
                double joules = 0;
                long elapsed = 0;
                for (EnergySession session : sessions) {
                    EnergyReading reading = session.read();
                    joules += reading.joules();
                    elapsed = Math.max(elapsed, reading.elapsedNanos());
                    reading.joulesByDomain().forEach((domain, value) -> domains.merge(domain, value, Double::sum));
                }
                return new EnergyReading(name(), measured(), joules, elapsed, domains);
            }

            @Override
            public void close() {
                sessions.forEach(EnergySession::close);
            }
        };
    }
}
