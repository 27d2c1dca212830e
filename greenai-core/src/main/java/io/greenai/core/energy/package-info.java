/**
 * Energy meters and energy measurement of a workload.
 *
 * <p>{@link io.greenai.core.energy.EnergyMeters} makes the meters: RAPL through Linux powercap
 * (CPU packages, measured), NVML through JNA (NVIDIA GPUs, measured) and an estimate from the
 * process's CPU time (labelled estimated). {@link io.greenai.core.energy.EnergyMeters#best()} picks
 * the best combination available on this machine and says why each candidate was or was not used.
 * A meter hands out {@link io.greenai.core.energy.EnergySession sessions}, each of which reads the
 * energy used since it started as an {@link io.greenai.core.energy.EnergyReading}.
 *
 * <p>{@link io.greenai.core.energy.EnergyMeasurement} runs a workload N times after a warm-up,
 * subtracts idle power where the meter measures it, and returns an
 * {@link io.greenai.core.energy.EnergyReport}: joules and grams CO2e per run, the meter's name and
 * whether the figure was measured or estimated.
 */
package io.greenai.core.energy;
