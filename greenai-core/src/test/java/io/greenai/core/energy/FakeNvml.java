package io.greenai.core.energy;

import io.greenai.core.GreenAiException;
import java.util.OptionalLong;

/**
 * NVML in memory: per GPU, an energy counter (or none, like a pre-Volta GPU) and a power draw,
 * both set by the test. Counts initialisations so tests can check they are paired with shutdowns.
 */
final class FakeNvml implements Nvml {

    final String[] names;
    final long[] energyMillijoules;
    final boolean[] hasEnergyCounter;
    final long[] powerMilliwatts;
    GreenAiException initFailure;
    int initCount;
    int shutdownCount;

    FakeNvml(int devices) {
        names = new String[devices];
        energyMillijoules = new long[devices];
        hasEnergyCounter = new boolean[devices];
        powerMilliwatts = new long[devices];
        for (int i = 0; i < devices; i++) {
            names[i] = "Fake GPU " + i;
            hasEnergyCounter[i] = true;
        }
    }

    @Override
    public void init() {
        if (initFailure != null) {
            throw initFailure;
        }
        initCount++;
    }

    @Override
    public void shutdown() {
        shutdownCount++;
    }

    @Override
    public int deviceCount() {
        return names.length;
    }

    @Override
    public String deviceName(int device) {
        return names[device];
    }

    @Override
    public synchronized OptionalLong totalEnergyMillijoules(int device) {
        return hasEnergyCounter[device] ? OptionalLong.of(energyMillijoules[device]) : OptionalLong.empty();
    }

    @Override
    public synchronized long powerMilliwatts(int device) {
        return powerMilliwatts[device];
    }
}
