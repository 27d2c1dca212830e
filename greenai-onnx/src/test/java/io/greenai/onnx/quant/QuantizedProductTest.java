package io.greenai.onnx.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.CompressionStep;
import io.greenai.core.Precision;
import io.greenai.core.QuantizationOptions;
import io.greenai.core.UnsupportedModelException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One or two matrix products, quantized and run in ONNX Runtime, against the integer arithmetic the
 * emitted operators are specified to do, recomputed here by hand (ONNX DynamicQuantizeLinear and
 * QuantizeLinear rules: uint8, zero point round(-min / scale), round half to even).
 */
class QuantizedProductTest {

    private static final int K = 64;
    private static final int N = 48;
    private static final int ROWS = 6;
    private static final CompressionStep.Quantize INT8 = new CompressionStep.Quantize(Precision.INT8);

    private final Random random = new Random(42);
    private final float[] x = ProductGraph.gaussian(random, ROWS * K, 1.0);
    private final float[] weight = ProductGraph.gaussian(random, K * N, 0.1);
    private final float[] bias = ProductGraph.gaussian(random, N, 0.1);

    // --- INT8, dynamic ---

    @Test
    void int8Dynamic_matchesIntegerArithmeticOfDynamicQuantizeMatMul() throws Exception {
        ModelProto model = new ProductGraph(K).matMul("y", weight, N, bias).build();

        ModelProto quantized = ProductGraph.quantize(model, INT8, Map.of());

        float[] actual = ProductGraph.run(quantized, x, ROWS, K).get("y");
        float[] expected = dynamicInt8(x, weight, N, bias);
        assertClose(actual, expected, 1e-3);
        // The tolerance tells integer from float arithmetic: the float product is further away.
        assertThat(maxDifference(expected, product(x, weight, N, bias))).isGreaterThan(5e-3);
        assertThat(ProductGraph.opCounts(quantized)).containsExactly(Map.entry("DynamicQuantizeMatMul", 1L));
        NodeProto product = quantized.getGraph().getNode(0);
        assertThat(product.getDomain()).isEqualTo("com.microsoft");
        assertThat(quantized.getOpsetImportList()).contains(
                OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1).build());
        TensorProto int8Weight = initializer(quantized, product.getInput(1));
        assertThat(int8Weight.getDataType()).isEqualTo(TensorProto.DataType.INT8_VALUE);
        assertThat(int8Weight.getDimsList()).containsExactly((long) K, (long) N);
        assertThat(initializer(quantized, product.getInput(2)).getDimsList()).containsExactly((long) N);
    }

    @Test
    void int8Dynamic_transposesGemmWeight() throws Exception {
        float[] weightNk = transpose(weight, K, N);
        ModelProto model = new ProductGraph(K).gemmTransposed("y", weightNk, N, bias).build();

        ModelProto quantized = ProductGraph.quantize(model, INT8, Map.of());

        assertClose(ProductGraph.run(quantized, x, ROWS, K).get("y"), dynamicInt8(x, weight, N, bias), 1e-3);
        assertThat(ProductGraph.opCounts(quantized)).containsExactly(Map.entry("DynamicQuantizeMatMul", 1L));
    }

    @Test
    void int8Dynamic_quantizesASharedInputOnce() throws Exception {
        float[] second = ProductGraph.gaussian(random, K * 16, 0.1);
        ModelProto model = new ProductGraph(K).matMul("q", weight, N, bias).matMul("k", second, 16, null).build();

        ModelProto quantized = ProductGraph.quantize(model, INT8, Map.of());

        Map<String, float[]> outputs = ProductGraph.run(quantized, x, ROWS, K);
        assertClose(outputs.get("q"), dynamicInt8(x, weight, N, bias), 1e-3);
        assertClose(outputs.get("k"), dynamicInt8(x, second, 16, null), 1e-3);
        assertThat(ProductGraph.opCounts(quantized))
                .containsExactly(Map.entry("DynamicQuantizeLinear", 1L), Map.entry("MatMulIntegerToFloat", 2L));
    }

    // --- INT8, static (QDQ) ---

    @ParameterizedTest(name = "opset {0}")
    @ValueSource(ints = {11, 17})
    void int8Static_matchesQdqArithmeticWithFixedScale(int opset) throws Exception {
        ModelProto model = new ProductGraph(K).opset(opset).matMul("y", weight, N, bias).build();
        CompressionStep.Quantize step = new CompressionStep.Quantize(Precision.INT8, QuantizationOptions.builder()
                .activations(QuantizationOptions.Activations.STATIC).build());

        ModelProto quantized = ProductGraph.quantize(model, step, Map.of("x", new ActivationRange(-3f, 4f)));

        // Range [-3, 4]: scale 7 / 255, zero point round(3 / scale) = round(109.29) = 109.
        float[] expected = staticInt8(x, weight, N, bias, 7f / 255, 109);
        assertClose(ProductGraph.run(quantized, x, ROWS, K).get("y"), expected, 1e-3);
        Map<String, Long> ops = ProductGraph.opCounts(quantized);
        assertThat(ops).containsEntry("QuantizeLinear", 1L).containsEntry("DequantizeLinear", 2L)
                .containsEntry("MatMul", 1L).containsEntry("Add", 1L);
        // Per-column weight scales: DequantizeLinear's axis from opset 13, a Mul after the MatMul before.
        assertThat(ops.getOrDefault("Mul", 0L)).isEqualTo(opset >= 13 ? 0L : 1L);
    }

    @Test
    void int8Static_rejectsTensorWithoutRangeNamingIt() {
        ModelProto model = new ProductGraph(K).matMul("y", weight, N, bias).build();
        CompressionStep.Quantize step = new CompressionStep.Quantize(Precision.INT8, QuantizationOptions.builder()
                .activations(QuantizationOptions.Activations.STATIC).build());

        assertThatThrownBy(() -> ProductGraph.quantize(model, step, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
    }

    // --- INT4 ---

    @ParameterizedTest(name = "block size {0}")
    @ValueSource(ints = {16, 32, 128})
    void int4_matchesFloatProductWithBlockDequantizedWeight(int blockSize) throws Exception {
        ModelProto model = new ProductGraph(K).matMul("y", weight, N, bias).build();
        // For GPU, accuracy_level 0: ONNX Runtime multiplies float activations by the dequantized weights.
        CompressionStep.Quantize step = new CompressionStep.Quantize(Precision.INT4, QuantizationOptions.builder()
                .blockSize(blockSize).target(QuantizationOptions.Target.GPU).build());

        ModelProto quantized = ProductGraph.quantize(model, step, Map.of());

        // Reference edit of the weight: the float product with every weight replaced by its 4-bit value.
        float[] dequantized = Int4Blocks.quantize(weight, K, N, blockSize).dequantize();
        assertClose(ProductGraph.run(quantized, x, ROWS, K).get("y"), product(x, dequantized, N, bias), 1e-4);
        assertThat(ProductGraph.opCounts(quantized)).containsExactly(Map.entry("MatMulNBits", 1L));
        NodeProto node = quantized.getGraph().getNode(0);
        assertThat(node.getAttributeList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("block_size");
            assertThat(a.getI()).isEqualTo(blockSize);
        });
        int blocks = (K + blockSize - 1) / blockSize;
        assertThat(initializer(quantized, node.getInput(1)).getDimsList())
                .containsExactly((long) N, (long) blocks, (long) blockSize / 2);
    }

    @Test
    void int4_letsTheCpuKernelQuantizeActivationsPerBlock() throws Exception {
        ModelProto model = new ProductGraph(K).matMul("y", weight, N, bias).build();

        ModelProto quantized = ProductGraph.quantize(model, new CompressionStep.Quantize(Precision.INT4), Map.of());

        // accuracy_level 4: int8 activations per block, so only close to the float product.
        assertThat(quantized.getGraph().getNode(0).getAttributeList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("accuracy_level");
            assertThat(a.getI()).isEqualTo(4);
        });
        float[] dequantized = Int4Blocks.quantize(weight, K, N, 32).dequantize();
        assertClose(ProductGraph.run(quantized, x, ROWS, K).get("y"), product(x, dequantized, N, bias), 2e-2);
    }

    // --- FP16 ---

    @Test
    void fp16_keepsFloatInterfaceAndStoresHalfWeights() throws Exception {
        ModelProto model = new ProductGraph(K).matMul("y", weight, N, bias).build();
        CompressionStep.Quantize step = new CompressionStep.Quantize(Precision.FP16, QuantizationOptions.builder()
                .target(QuantizationOptions.Target.GPU).build());

        ModelProto half = ProductGraph.quantize(model, step, Map.of());

        float[] actual = ProductGraph.run(half, x, ROWS, K).get("y");
        assertClose(actual, product(x, weight, N, bias), 1e-2);
        assertThat(half.getGraph().getInitializerList())
                .allSatisfy(t -> assertThat(t.getDataType()).isEqualTo(TensorProto.DataType.FLOAT16_VALUE));
        assertThat(ProductGraph.opCounts(half)).containsEntry("Cast", 2L); // x in, y out
        assertThat(half.getGraph().getInputList()).isEqualTo(model.getGraph().getInputList());
        assertThat(half.getGraph().getOutputList()).isEqualTo(model.getGraph().getOutputList());
    }

    // --- bad input ---

    @Test
    void quantize_rejectsGraphWithoutProductNamingTheReason() {
        ModelProto model = new ProductGraph(K).addOnly("y").build();

        assertThatThrownBy(() -> ProductGraph.quantize(model, INT8, Map.of()))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("no MatMul or Gemm with a constant float32 or float16 weight");
    }

    @Test
    void quantize_rejectsQuantizedGraphNamingTheNode() {
        ModelProto once = ProductGraph.quantize(new ProductGraph(K).matMul("y", weight, N, bias).build(), INT8,
                Map.of());
        CompressionStep.Quantize int4 = new CompressionStep.Quantize(Precision.INT4);

        assertThatThrownBy(() -> ProductGraph.quantize(once, int4, Map.of()))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("already quantized").hasMessageContaining("DynamicQuantizeMatMul");
    }

    @Test
    void quantize_rejectsFp16OfFp16GraphNamingTheNode() {
        CompressionStep.Quantize fp16 = new CompressionStep.Quantize(Precision.FP16);
        ModelProto half = ProductGraph.quantize(new ProductGraph(K).matMul("y", weight, N, bias).build(), fp16,
                Map.of());

        assertThatThrownBy(() -> ProductGraph.quantize(half, fp16, Map.of()))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("already in FP16").hasMessageContaining("y/matmul");
    }

    @Test
    void int8Dynamic_ofFp16GraphMatchesIntegerArithmeticOnTheHalfValues() throws Exception {
        CompressionStep.Quantize fp16 = new CompressionStep.Quantize(Precision.FP16);
        ModelProto half = ProductGraph.quantize(new ProductGraph(K).matMul("y", weight, N, bias).build(), fp16,
                Map.of());

        ModelProto quantized = ProductGraph.quantize(half, INT8, Map.of());

        // The float16 graph reads x through a Cast to float16, holds float16 weight and bias, and the
        // integer product sees those values widened back to float32; its result is rounded to float16.
        float[] expected = dynamicInt8(rounded(x), rounded(weight), N, rounded(bias));
        float[] actual = ProductGraph.run(quantized, x, ROWS, K).get("y");
        for (int i = 0; i < expected.length; i++) {
            // One float16 rounding of the result (relative 2^-11) on top of the integer tolerance.
            assertThat(actual[i]).isCloseTo(expected[i], within(1e-3f + Math.abs(expected[i]) / 1024));
        }
        assertThat(ProductGraph.opCounts(quantized)).containsKeys("DynamicQuantizeMatMul", "Cast")
                .doesNotContainKey("MatMul");
    }

    /** The values rounded to float16 and back. */
    private static float[] rounded(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = HalfFloat.toFloat(HalfFloat.fromFloat(values[i]));
        }
        return out;
    }

    // --- oracles ---

    /** ONNX DynamicQuantizeLinear of x, then the integer product and scaling DynamicQuantizeMatMul does. */
    private static float[] dynamicInt8(float[] x, float[] weight, int n, float[] bias) {
        float min = 0;
        float max = 0;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float scale = (max - min) / 255f;
        int zeroPoint = (int) Math.max(0, Math.min(255, Math.rint(-min / scale)));
        return staticInt8(x, weight, n, bias, scale, zeroPoint);
    }

    /** uint8 activations with the given scale and zero point times int8 per-column weights, plus bias. */
    private static float[] staticInt8(float[] x, float[] weight, int n, float[] bias, float scale, int zeroPoint) {
        int k = x.length / ROWS;
        int[] q = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            q[i] = (int) Math.max(0, Math.min(255, Math.rint(x[i] / scale) + zeroPoint)) - zeroPoint;
        }
        // Symmetric int8 weights, one scale per column: max |w| / 127, values round(w / scale).
        float[] columnScale = new float[n];
        for (int c = 0; c < n; c++) {
            float largest = 0;
            for (int r = 0; r < k; r++) {
                largest = Math.max(largest, Math.abs(weight[r * n + c]));
            }
            columnScale[c] = largest / 127f;
        }
        float[] y = new float[ROWS * n];
        for (int row = 0; row < ROWS; row++) {
            for (int c = 0; c < n; c++) {
                long sum = 0;
                for (int i = 0; i < k; i++) {
                    sum += (long) q[row * k + i] * (long) Math.rint(weight[i * n + c] / columnScale[c]);
                }
                y[row * n + c] = (float) (sum * (double) scale * columnScale[c] + (bias == null ? 0 : bias[c]));
            }
        }
        return y;
    }

    private static float[] product(float[] x, float[] weight, int n, float[] bias) {
        int k = x.length / ROWS;
        float[] y = new float[ROWS * n];
        for (int row = 0; row < ROWS; row++) {
            for (int c = 0; c < n; c++) {
                double sum = bias == null ? 0 : bias[c];
                for (int i = 0; i < k; i++) {
                    sum += (double) x[row * k + i] * weight[i * n + c];
                }
                y[row * n + c] = (float) sum;
            }
        }
        return y;
    }

    private static float[] transpose(float[] matrix, int rows, int columns) {
        float[] t = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                t[c * rows + r] = matrix[r * columns + c];
            }
        }
        return t;
    }

    private static void assertClose(float[] actual, float[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static TensorProto initializer(ModelProto model, String name) {
        return model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow();
    }
}
