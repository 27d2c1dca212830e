/**
 * JMH benchmarks of compressed models: {@link io.greenai.bench.InferenceBenchmark} measures the
 * latency of one ONNX Runtime inference for each compression plan, on real English text, and
 * {@link io.greenai.bench.EnergyProfiler} ({@code -prof energy}) adds energy and CO2e per
 * inference, labelled measured or estimated. {@link io.greenai.bench.NvmlCheck} tries the NVML
 * meter on a machine with NVIDIA GPUs.
 *
 * <p>Build and run from the project root:
 *
 * <pre>
 * mvn -B -q -DskipTests package
 * java -jar greenai-benchmarks/target/benchmarks.jar InferenceBenchmark -prof energy
 * </pre>
 */
package io.greenai.bench;
