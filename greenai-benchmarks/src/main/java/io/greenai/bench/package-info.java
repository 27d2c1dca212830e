/**
 * JMH benchmarks of compressed models: {@link io.greenai.bench.InferenceBenchmark} measures the
 * latency of one ONNX Runtime inference for each compression plan, on real English text.
 *
 * <p>Build and run from the project root:
 *
 * <pre>
 * mvn -B -q -DskipTests package
 * java -jar greenai-benchmarks/target/benchmarks.jar InferenceBenchmark
 * </pre>
 */
package io.greenai.bench;
