package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.greenai.core.CompressionStep;
import io.greenai.onnx.graph.Attributes;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tiny graphs of one or two matrix products with float input {@code x} [rows, k], built in code, and
 * a way to run them in ONNX Runtime: the oracle for the quantized operators' exact arithmetic.
 */
final class ProductGraph {

    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final int k;
    private int opset = 17;

    ProductGraph(int k) {
        this.k = k;
    }

    ProductGraph opset(int version) {
        this.opset = version;
        return this;
    }

    /** Adds {@code output = x · weight + bias} as MatMul then Add (bias null: MatMul alone). */
    ProductGraph matMul(String output, float[] weight, int n, float[] bias) {
        String w = output + ".weight";
        initializers.add(Initializers.floats(w, weight, k, n));
        if (bias == null) {
            nodes.add(Initializers.node("MatMul", "", output + "/matmul", List.of("x", w), List.of(output)));
        } else {
            String b = output + ".bias";
            initializers.add(Initializers.floats(b, bias, n));
            nodes.add(Initializers.node("MatMul", "", output + "/matmul", List.of("x", w), List.of(output + "/mm")));
            nodes.add(Initializers.node("Add", "", output + "/add", List.of(b, output + "/mm"), List.of(output)));
        }
        outputs.add(floatInfo(output));
        return this;
    }

    /** Adds {@code output = x · transpose(weightNk) + bias} as one Gemm with transB = 1. */
    ProductGraph gemmTransposed(String output, float[] weightNk, int n, float[] bias) {
        String w = output + ".weight";
        String b = output + ".bias";
        initializers.add(Initializers.floats(w, weightNk, n, k));
        initializers.add(Initializers.floats(b, bias, n));
        nodes.add(Initializers.node("Gemm", "", output + "/gemm", List.of("x", w, b), List.of(output),
                Attributes.ofInt("transB", 1)));
        outputs.add(floatInfo(output));
        return this;
    }

    /** Adds {@code output = x + x}: no product at all. */
    ProductGraph addOnly(String output) {
        nodes.add(Initializers.node("Add", "", output + "/add", List.of("x", "x"), List.of(output)));
        outputs.add(floatInfo(output));
        return this;
    }

    ModelProto build() {
        GraphProto graph = GraphProto.newBuilder().setName("products").addAllNode(nodes)
                .addAllInitializer(initializers).addInput(floatInfo("x")).addAllOutput(outputs).build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("greenai-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph)
                .build();
    }

    private static ValueInfoProto floatInfo(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("rows"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("columns")))))
                .build();
    }

    /** Quantizes a model through the public entry point, as PlanRunner does. */
    static ModelProto quantize(ModelProto model, CompressionStep.Quantize step, Map<String, ActivationRange> ranges) {
        GraphEditor editor = new GraphEditor(model);
        Quantizer.quantize(editor, new GraphView(model.getGraph()), "products", step, ranges);
        return editor.build();
    }

    /** Runs a model on x [rows, k] in ONNX Runtime and returns every output, row-major. */
    static Map<String, float[]> run(ModelProto model, float[] x, int rows, int k) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = environment.createSession(model.toByteArray(), options);
                    OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(x), new long[] {rows, k});
                    OrtSession.Result result = session.run(Map.of("x", input))) {
                Map<String, float[]> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> entry : result) {
                    FloatBuffer buffer = ((OnnxTensor) entry.getValue()).getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    outputs.put(entry.getKey(), values);
                }
                return outputs;
            }
        }
    }

    static float[] gaussian(Random random, int count, double scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }

    static Map<String, Long> opCounts(ModelProto model) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            counts.merge(node.getOpType(), 1L, Long::sum);
        }
        return counts;
    }
}
