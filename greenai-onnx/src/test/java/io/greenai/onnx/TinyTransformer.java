package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds tiny BERT-style (post-norm) or GPT-style (pre-norm) encoder graphs in code, the way
 * PyTorch exports them: explicit MatMul + bias Add projections, head split by Reshape/Transpose,
 * scaled scores plus an additive mask, Softmax, Erf-based GELU, LayerNorm fused or decomposed.
 *
 * <p>The weights of layer {@code j} come from a generator seeded with {@code j}, so
 * {@code layers(0, 2, 3)} builds exactly the model that removing layer 1 from {@code layers(0, 1, 2,
 * 3)} should give: an oracle built independently of the code under test.
 *
 * <p>Tensor names: the residual stream after layer {@code i} (position in this graph) is
 * {@code layer<i>/out}; the graph input is {@code input_ids} and {@code attention_mask}; the output
 * is {@code last_hidden_state}.
 */
final class TinyTransformer {

    static final int VOCAB = 50;

    private int hidden = 8;
    private int heads = 2;
    private int ffn = 16;
    private boolean preNorm;
    private boolean fusedLayerNorm;
    private int[] layerSeeds = {0, 1, 2, 3};

    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private int counter;

    TinyTransformer hidden(int hidden, int heads, int ffn) {
        this.hidden = hidden;
        this.heads = heads;
        this.ffn = ffn;
        return this;
    }

    TinyTransformer preNorm() {
        this.preNorm = true;
        return this;
    }

    TinyTransformer fusedLayerNorm() {
        this.fusedLayerNorm = true;
        return this;
    }

    /** The layers to build, each given by the seed of its weights (its index in the full model). */
    TinyTransformer layers(int... seeds) {
        this.layerSeeds = seeds.clone();
        return this;
    }

    int layerCount() {
        return layerSeeds.length;
    }

    /** Parameters (float weights and biases) in one layer, counted by hand from the layout. */
    long parametersPerLayer() {
        long attention = 4L * hidden * hidden + 4L * hidden;
        long feedForward = 2L * hidden * ffn + ffn + hidden;
        long norms = 2L * 2 * hidden;
        return attention + feedForward + norms;
    }

    ModelProto build() {
        nodes.clear();
        initializers.clear();
        Random embeddingRandom = new Random(1000);
        String embedding = init("embeddings.word", randomFloats(embeddingRandom, VOCAB * hidden, 1.0f), VOCAB, hidden);
        node("Gather", List.of(embedding, "input_ids"), "embeddings/gathered");
        String stream = preNorm ? "embeddings/gathered"
                : layerNorm("embeddings/gathered", new Random(1001), "embeddings/norm");
        // Additive mask: (1 - mask) * -10000, shaped [batch, 1, 1, seq].
        node("Cast", List.of("attention_mask"), "mask/float", intAttr("to", TensorProto.DataType.FLOAT_VALUE));
        node("Sub", List.of(scalar(1f), "mask/float"), "mask/inverted");
        node("Mul", List.of("mask/inverted", scalar(-10000f)), "mask/scaled");
        node("Unsqueeze", List.of("mask/scaled", ints("mask/axes", 1, 2)), "mask/additive");
        for (int i = 0; i < layerSeeds.length; i++) {
            String out = i == layerSeeds.length - 1 && !preNorm ? "last_hidden_state" : "layer" + i + "/out";
            stream = layer(i, new Random(layerSeeds[i]), stream, out);
        }
        if (preNorm) {
            layerNorm(stream, new Random(1002), "last_hidden_state", "final_norm");
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName("tiny-transformer")
                .addAllNode(nodes)
                .addAllInitializer(initializers)
                .addInput(valueInfo("input_ids", TensorProto.DataType.INT64_VALUE, "batch", "sequence"))
                .addInput(valueInfo("attention_mask", TensorProto.DataType.INT64_VALUE, "batch", "sequence"))
                .addOutput(valueInfo("last_hidden_state", TensorProto.DataType.FLOAT_VALUE, "batch", "sequence",
                        String.valueOf(hidden)))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("greenai-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph)
                .build();
    }

    private String layer(int i, Random random, String input, String output) {
        String p = "layer" + i + "/";
        int headSize = hidden / heads;
        String x = preNorm ? layerNorm(input, random, p + "norm1") : input;
        String q = linear(x, hidden, hidden, random, p + "query");
        String k = linear(x, hidden, hidden, random, p + "key");
        String v = linear(x, hidden, hidden, random, p + "value");
        String split = ints(p + "split_shape", 0, 0, heads, headSize);
        node("Reshape", List.of(q, split), p + "q/heads");
        node("Transpose", List.of(p + "q/heads"), p + "q/t", intsAttr("perm", 0, 2, 1, 3));
        node("Reshape", List.of(k, split), p + "k/heads");
        node("Transpose", List.of(p + "k/heads"), p + "k/t", intsAttr("perm", 0, 2, 3, 1));
        node("Reshape", List.of(v, split), p + "v/heads");
        node("Transpose", List.of(p + "v/heads"), p + "v/t", intsAttr("perm", 0, 2, 1, 3));
        node("MatMul", List.of(p + "q/t", p + "k/t"), p + "scores");
        node("Div", List.of(p + "scores", scalar((float) Math.sqrt(headSize))), p + "scores/scaled");
        node("Add", List.of(p + "scores/scaled", "mask/additive"), p + "scores/masked");
        node("Softmax", List.of(p + "scores/masked"), p + "probs", intAttr("axis", -1));
        node("MatMul", List.of(p + "probs", p + "v/t"), p + "context");
        node("Transpose", List.of(p + "context"), p + "context/t", intsAttr("perm", 0, 2, 1, 3));
        node("Reshape", List.of(p + "context/t", ints(p + "merge_shape", 0, 0, hidden)), p + "context/merged");
        String attention = linear(p + "context/merged", hidden, hidden, random, p + "attention_output");
        node("Add", List.of(attention, input), p + "residual1");
        String mid = preNorm ? p + "residual1" : layerNorm(p + "residual1", random, p + "norm1");
        String ffnIn = preNorm ? layerNorm(mid, random, p + "norm2") : mid;
        String up = linear(ffnIn, hidden, ffn, random, p + "ffn/up");
        String gelu = gelu(up, p + "ffn/gelu");
        String down = linear(gelu, ffn, hidden, random, p + "ffn/down");
        if (preNorm) {
            node("Add", List.of(down, mid), output);
            return output;
        }
        node("Add", List.of(down, mid), p + "residual2");
        return layerNorm(p + "residual2", random, output, p + "norm2");
    }

    private String linear(String input, int in, int out, Random random, String name) {
        String weight = init(name + ".weight", randomFloats(random, in * out, (float) (1 / Math.sqrt(in))), in, out);
        String bias = init(name + ".bias", randomFloats(random, out, 0.1f), out);
        node("MatMul", List.of(input, weight), name + "/matmul");
        node("Add", List.of(bias, name + "/matmul"), name + "/out");
        return name + "/out";
    }

    private String gelu(String x, String name) {
        node("Div", List.of(x, scalar((float) Math.sqrt(2))), name + "/div");
        node("Erf", List.of(name + "/div"), name + "/erf");
        node("Add", List.of(name + "/erf", scalar(1f)), name + "/add");
        node("Mul", List.of(x, name + "/add"), name + "/mul");
        node("Mul", List.of(name + "/mul", scalar(0.5f)), name + "/out");
        return name + "/out";
    }

    private String layerNorm(String input, Random random, String name) {
        return layerNorm(input, random, name + "/out", name);
    }

    private String layerNorm(String input, Random random, String output, String name) {
        float[] gammaValues = randomFloats(random, hidden, 0.2f);
        for (int i = 0; i < hidden; i++) {
            gammaValues[i] += 1f;
        }
        String gamma = init(name + ".weight", gammaValues, hidden);
        String beta = init(name + ".bias", randomFloats(random, hidden, 0.1f), hidden);
        if (fusedLayerNorm) {
            node("LayerNormalization", List.of(input, gamma, beta), output, intAttr("axis", -1),
                    floatAttr("epsilon", 1e-5f));
            return output;
        }
        node("ReduceMean", List.of(input), name + "/mean", intsAttr("axes", -1));
        node("Sub", List.of(input, name + "/mean"), name + "/centered");
        node("Pow", List.of(name + "/centered", scalar(2f)), name + "/squared");
        node("ReduceMean", List.of(name + "/squared"), name + "/variance", intsAttr("axes", -1));
        node("Add", List.of(name + "/variance", scalar(1e-5f)), name + "/variance_eps");
        node("Sqrt", List.of(name + "/variance_eps"), name + "/std");
        node("Div", List.of(name + "/centered", name + "/std"), name + "/normalized");
        node("Mul", List.of(name + "/normalized", gamma), name + "/scaled");
        node("Add", List.of(name + "/scaled", beta), output);
        return output;
    }

    private void node(String op, List<String> inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(op + "_" + counter++)
                .addAllInput(inputs).addOutput(output);
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        nodes.add(node.build());
    }

    private String scalar(float value) {
        String name = "const_" + counter++;
        TensorProto tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(value).build();
        nodes.add(NodeProto.newBuilder().setOpType("Constant").setName("Constant_" + counter++).addOutput(name)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(tensor))
                .build());
        return name;
    }

    private String ints(String name, long... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        initializers.add(tensor.build());
        return name;
    }

    private String init(String name, float[] values, long... dims) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(buffer.array()));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        initializers.add(tensor.build());
        return name;
    }

    private static float[] randomFloats(Random random, int count, float scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    static ValueInfoProto valueInfo(String name, int type, String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String dim : dims) {
            if (dim.chars().allMatch(Character::isDigit)) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(Long.parseLong(dim)));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(dim));
            }
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }

    /** Token ids and masks for a batch of 2 rows of 5 tokens; the second row has 2 padding tokens. */
    static java.util.Map<String, long[][]> sampleInputs() {
        return java.util.Map.of(
                "input_ids", new long[][] {{1, 7, 23, 4, 49}, {2, 9, 31, 0, 0}},
                "attention_mask", new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
    }
}
