package io.greenai.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.greenai.core.CompressionStep;
import io.greenai.core.Compressor;
import io.greenai.core.Precision;
import io.greenai.core.QuantizationOptions;
import io.greenai.core.UnsupportedModelException;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.Tensors;
import io.greenai.onnx.quant.Quantizer;
import io.greenai.onnx.runtime.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * INT8 and INT4 of the shared decoder graphs (GPT-2 with past key/values, GPT-2 fused by ONNX
 * Runtime, fp16 LLaMA), each compared with ONNX Runtime running the original graph on the same
 * inputs, cached past tokens included.
 *
 * <p>Tolerances, from the quantization step. The weights are random, so nothing about meaning can be
 * checked, only how far rounding moves the outputs. For a symmetric int8 column with step
 * {@code s = 2 max|w| / 255}, the rounding error is about uniform on [-s/2, s/2], so its standard
 * deviation is {@code s / sqrt(12)}; for Gaussian weights ({@code max|w|} about 3 sigma in these
 * short columns) one product's relative error is about {@code 6 / (255 sqrt(12))}, 0.7%, and the
 * uint8 activations add as much again. INT4 has 15 steps instead of 255 over a block's range, so
 * 17 times the error per product: about 12%. Errors of independent products partly cancel through a
 * stack and LayerNorm removes their common scale, so the outputs stay near one product's error:
 * the bounds are 3% for INT8 and 20% for INT4, on the relative L2 error of every output (logits or
 * last_state, and each present cache). Doubling the dequantization scales, the kind of mistake these
 * bounds must catch, moves the outputs by far more (checked below).
 */
class DecoderQuantizationTest {

    private static final double INT8_BOUND = 0.03;
    private static final double INT4_BOUND = 0.20;

    @TempDir
    Path temp;

    private static OnnxModel load(String file) {
        return OnnxModel.load(Runs.shared(file));
    }

    /**
     * Two rows of three new tokens after two cached ones (tiny-gpt2-past's export takes one new token
     * per step); the fp16 LLaMA export takes one row, one token after three.
     */
    private static DecoderFeeds feeds(String file) {
        return file.contains("llama") ? new DecoderFeeds(1, 1, 3, 32000) : file.contains("past")
                ? new DecoderFeeds(2, 3, 2, 20) : new DecoderFeeds(2, 3, 2, 1000);
    }

    /** The relative L2 error {@code ||actual - expected|| / ||expected||}. */
    static double relativeError(FloatTensor actual, FloatTensor expected) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        double error = 0;
        double norm = 0;
        for (int i = 0; i < expected.data().length; i++) {
            double d = actual.data()[i] - expected.data()[i];
            error += d * d;
            norm += (double) expected.data()[i] * expected.data()[i];
        }
        return Math.sqrt(error / norm);
    }

    @ParameterizedTest
    @CsvSource({"models/tiny-gpt2-past.onnx, INT8", "models/tiny-gpt2-past.onnx, INT4",
            "models/tiny-gpt2-fused.onnx, INT8", "models/tiny-gpt2-fused.onnx, INT4",
            "models/tiny-llama-fp16/model.onnx, INT8", "models/tiny-llama-fp16/model.onnx, INT4"})
    void quantize_decoderStaysWithinTheQuantizationStepOfTheOriginal(String file, Precision precision) {
        OnnxModel model = load(file);
        byte[] before = model.proto().toByteArray();

        OnnxModel quantized = Compressor.of(model).quantize(precision).build();

        assertThat(quantized.inputNames()).containsExactlyElementsOf(model.inputNames());
        assertThat(quantized.outputNames()).containsExactlyElementsOf(model.outputNames());
        for (int i = 0; i < model.proto().getGraph().getOutputCount(); i++) {
            assertThat(quantized.proto().getGraph().getOutput(i)).isEqualTo(model.proto().getGraph().getOutput(i));
        }
        assertThat(model.proto().toByteArray()).as("input model unchanged").isEqualTo(before);
        String product = precision == Precision.INT4 ? "MatMulNBits" : "DynamicQuantizeMatMul";
        assertThat(quantized.proto().getGraph().getNodeList()).as("quantized products")
                .anyMatch(n -> n.getOpType().equals(product) || n.getOpType().equals("MatMulIntegerToFloat"));

        DecoderFeeds feeds = feeds(file);
        Map<String, FloatTensor> expected = feeds.run(model);
        Map<String, FloatTensor> actual = feeds.run(quantized);
        double bound = precision == Precision.INT4 ? INT4_BOUND : INT8_BOUND;
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        double largest = 0;
        for (String name : expected.keySet()) {
            double error = relativeError(actual.get(name), expected.get(name));
            assertThat(error).as("relative error of %s", name).isLessThan(bound);
            largest = Math.max(largest, error);
        }
        // The model must really have changed, or the comparison proves nothing.
        assertThat(largest).as("largest relative error").isGreaterThan(1e-4);
    }

    @ParameterizedTest
    @CsvSource({"models/tiny-gpt2-past.onnx, INT8", "models/tiny-gpt2-past.onnx, INT4",
            "models/tiny-llama-fp16/model.onnx, INT8", "models/tiny-llama-fp16/model.onnx, INT4"})
    void quantize_withDoubledScalesLeavesTheBound(String file, Precision precision) {
        OnnxModel model = load(file);
        OnnxModel quantized = Compressor.of(model).quantize(precision).build();
        OnnxModel wrong = OnnxModel.of(doubleScales(quantized.proto()), "doubled scales");

        DecoderFeeds feeds = feeds(file);
        String output = model.outputNames().get(0);
        double error = relativeError(feeds.run(wrong).get(output), feeds.run(model).get(output));

        assertThat(error).isGreaterThan(precision == Precision.INT4 ? INT4_BOUND : INT8_BOUND);
    }

    @Test
    void quantize_fp16LlamaRunsOnCpuWithHalfScalesAndCastsAroundIntegerProducts() {
        OnnxModel model = load("models/tiny-llama-fp16/model.onnx");

        OnnxModel int4 = Compressor.of(model).quantize(Precision.INT4).build();
        OnnxModel int8 = Compressor.of(model).quantize(Precision.INT8).build();

        assertThat(int4.proto().getGraph().getInitializerList()).filteredOn(t -> t.getName().endsWith(".scales"))
                .isNotEmpty().allMatch(t -> t.getDataType() == TensorProto.DataType.FLOAT16_VALUE);
        assertThat(int4.proto().getGraph().getNodeList()).noneMatch(n -> n.getOpType().equals("MatMul"));
        NodeProto product = int8.proto().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("DynamicQuantizeMatMul")
                        || n.getOpType().equals("MatMulIntegerToFloat")).findFirst().orElseThrow();
        assertThat(int8.proto().getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("Cast")
                && n.getInput(0).equals(product.getOutput(0)));
        // Saved with its weights inline, reloaded, and run again: the same contract and outputs.
        OnnxModel reloaded = OnnxModel.load(int4.save(temp.resolve("llama-int4.onnx")));
        DecoderFeeds feeds = feeds("llama");
        assertThat(feeds.run(reloaded).get("logits")).isEqualTo(feeds.run(int4).get("logits"));
    }

    @ParameterizedTest
    @CsvSource({"models/tiny-gpt2-past.onnx, INT8", "models/tiny-gpt2-fused.onnx, INT4",
            "models/tiny-llama-fp16/model.onnx, INT4", "models/tiny-llama-fp16/model.onnx, INT8"})
    void quantize_afterRemovalAndPruningKeepsTheContractLessRemovedCaches(String file, Precision precision) {
        OnnxModel model = load(file);
        OnnxModel smaller = Compressor.of(model).removeLayersAt(1).pruneMatrices(0.25).build();

        OnnxModel quantized = Compressor.of(model).removeLayersAt(1).pruneMatrices(0.25).quantize(precision).build();

        var removed = model.transformerStack().layers().get(1).cache();
        assertThat(quantized.inputNames()).containsExactlyElementsOf(model.inputNames().stream()
                .filter(n -> !removed.pastInputs().contains(n)).toList());
        assertThat(quantized.outputNames()).containsExactlyElementsOf(model.outputNames().stream()
                .filter(n -> !removed.presentOutputs().contains(n)).toList());
        // The oracle: ONNX Runtime on the float model that the same removal and pruning give. Pruned
        // caches are smaller, so the feeds' noise goes through the same shapes in both.
        DecoderFeeds feeds = feeds(file);
        Map<String, FloatTensor> expected = feeds.run(smaller);
        Map<String, FloatTensor> actual = feeds.run(quantized);
        String output = model.outputNames().get(0);
        assertThat(relativeError(actual.get(output), expected.get(output)))
                .isLessThan(precision == Precision.INT4 ? INT4_BOUND : INT8_BOUND);
    }

    @Test
    void quantize_fp16ModelToFp16IsRefusedNamingTheNode() {
        OnnxModel model = load("models/tiny-llama-fp16/model.onnx");

        assertThatThrownBy(() -> Compressor.of(model).quantize(Precision.FP16).build())
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("already in FP16")
                .hasMessageContaining("node '/model/layers.0/attn/q_proj/MatMul' (MatMul)");
    }

    @Test
    void quantize_fp16ModelToStaticInt8IsRefusedNamingTheNode() {
        OnnxModel model = load("models/tiny-llama-fp16/model.onnx");
        QuantizationOptions qdq = QuantizationOptions.builder().activations(QuantizationOptions.Activations.STATIC)
                .build();

        GraphView view = new GraphView(model.proto().getGraph());

        // Called directly: through a plan, static INT8 first needs calibration texts and a tokenizer.
        assertThatThrownBy(() -> Quantizer.quantize(new GraphEditor(model.proto()), view, model.name(),
                new CompressionStep.Quantize(Precision.INT8, qdq), Map.of()))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("float16")
                .hasMessageContaining("(MatMul)");
    }

    /** The quantized model with every dequantization scale (int8 columns, int4 blocks) doubled. */
    private static ModelProto doubleScales(ModelProto proto) {
        var graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto tensor = graph.getInitializer(i);
            if (!tensor.getName().endsWith(".weight_scale") && !tensor.getName().endsWith(".scales")) {
                continue;
            }
            float[] values = Tensors.toFloatsWidened(tensor);
            boolean half = tensor.getDataType() == TensorProto.DataType.FLOAT16_VALUE;
            ByteBuffer buffer = ByteBuffer.allocate(values.length * (half ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
            for (float value : values) {
                if (half) {
                    buffer.putShort(Halves.fromFloat(2 * value));
                } else {
                    buffer.putFloat(2 * value);
                }
            }
            graph.setInitializer(i, tensor.toBuilder().clearFloatData().clearInt32Data()
                    .setRawData(ByteString.copyFrom(buffer.array())).build());
        }
        return proto.toBuilder().setGraph(graph).build();
    }
}
