package io.greenai.onnx;

import static io.greenai.onnx.FixtureGraphs.floatAttr;
import static io.greenai.onnx.FixtureGraphs.floats;
import static io.greenai.onnx.FixtureGraphs.intAttr;
import static io.greenai.onnx.FixtureGraphs.intsAttr;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
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
    private boolean skipLayerNorm;
    private int[] layerSeeds = {0, 1, 2, 3};

    private final FixtureGraphs graph = new FixtureGraphs();

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

    /**
     * Post-norm layers as ONNX Runtime's optimizer leaves them: each residual Add and the LayerNorm
     * after it are one {@code com.microsoft.SkipLayerNormalization}, which also adds the bias of the
     * projection before it (the projection is then a bare MatMul). The weights and the function are
     * those of the plain fixture.
     */
    TinyTransformer skipLayerNorm() {
        this.skipLayerNorm = true;
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
        // The name counter goes on from an earlier build(), as it always has: a second build() of one
        // fixture names its nodes differently, and tests that build twice rely on those bytes.
        graph.clear();
        Random embeddingRandom = new Random(1000);
        String embedding = graph.init("embeddings.word", floats(embeddingRandom, VOCAB * hidden, 1.0f), VOCAB, hidden);
        graph.node("Gather", List.of(embedding, "input_ids"), "embeddings/gathered");
        String stream = preNorm ? "embeddings/gathered"
                : layerNorm("embeddings/gathered", new Random(1001), "embeddings/norm");
        // Additive mask: (1 - mask) * -10000, shaped [batch, 1, 1, seq].
        graph.node("Cast", List.of("attention_mask"), "mask/float", intAttr("to", TensorProto.DataType.FLOAT_VALUE));
        graph.node("Sub", List.of(scalar(1f), "mask/float"), "mask/inverted");
        graph.node("Mul", List.of("mask/inverted", scalar(-10000f)), "mask/scaled");
        graph.node("Unsqueeze", List.of("mask/scaled", graph.ints("mask/axes", 1, 2)), "mask/additive");
        for (int i = 0; i < layerSeeds.length; i++) {
            String out = i == layerSeeds.length - 1 && !preNorm ? "last_hidden_state" : "layer" + i + "/out";
            stream = layer(i, new Random(layerSeeds[i]), stream, out);
        }
        if (preNorm) {
            layerNorm(stream, new Random(1002), "last_hidden_state", "final_norm");
        }
        GraphProto proto = graph.graph("tiny-transformer")
                .addInput(valueInfo("input_ids", TensorProto.DataType.INT64_VALUE, "batch", "sequence"))
                .addInput(valueInfo("attention_mask", TensorProto.DataType.INT64_VALUE, "batch", "sequence"))
                .addOutput(valueInfo("last_hidden_state", TensorProto.DataType.FLOAT_VALUE, "batch", "sequence",
                        String.valueOf(hidden)))
                .build();
        ModelProto.Builder model = FixtureGraphs.model().setGraph(proto);
        if (skipLayerNorm) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft")
                    .setVersion(1));
        }
        return model.build();
    }

    private String layer(int i, Random random, String input, String output) {
        String p = "layer" + i + "/";
        int headSize = hidden / heads;
        String x = preNorm ? layerNorm(input, random, p + "norm1") : input;
        String q = linear(x, hidden, hidden, random, p + "query");
        String k = linear(x, hidden, hidden, random, p + "key");
        String v = linear(x, hidden, hidden, random, p + "value");
        String split = graph.ints(p + "split_shape", 0, 0, heads, headSize);
        graph.node("Reshape", List.of(q, split), p + "q/heads");
        graph.node("Transpose", List.of(p + "q/heads"), p + "q/t", intsAttr("perm", 0, 2, 1, 3));
        graph.node("Reshape", List.of(k, split), p + "k/heads");
        graph.node("Transpose", List.of(p + "k/heads"), p + "k/t", intsAttr("perm", 0, 2, 3, 1));
        graph.node("Reshape", List.of(v, split), p + "v/heads");
        graph.node("Transpose", List.of(p + "v/heads"), p + "v/t", intsAttr("perm", 0, 2, 1, 3));
        graph.node("MatMul", List.of(p + "q/t", p + "k/t"), p + "scores");
        graph.node("Div", List.of(p + "scores", scalar((float) Math.sqrt(headSize))), p + "scores/scaled");
        graph.node("Add", List.of(p + "scores/scaled", "mask/additive"), p + "scores/masked");
        graph.node("Softmax", List.of(p + "scores/masked"), p + "probs", intAttr("axis", -1));
        graph.node("MatMul", List.of(p + "probs", p + "v/t"), p + "context");
        graph.node("Transpose", List.of(p + "context"), p + "context/t", intsAttr("perm", 0, 2, 1, 3));
        graph.node("Reshape", List.of(p + "context/t", graph.ints(p + "merge_shape", 0, 0, hidden)),
                p + "context/merged");
        if (skipLayerNorm && !preNorm) {
            return fusedPostNormTail(p, random, input, output);
        }
        String attention = linear(p + "context/merged", hidden, hidden, random, p + "attention_output");
        graph.node("Add", List.of(attention, input), p + "residual1");
        String mid = preNorm ? p + "residual1" : layerNorm(p + "residual1", random, p + "norm1");
        String ffnIn = preNorm ? layerNorm(mid, random, p + "norm2") : mid;
        String up = linear(ffnIn, hidden, ffn, random, p + "ffn/up");
        String gelu = gelu(up, p + "ffn/gelu");
        String down = linear(gelu, ffn, hidden, random, p + "ffn/down");
        if (preNorm) {
            graph.node("Add", List.of(down, mid), output);
            return output;
        }
        graph.node("Add", List.of(down, mid), p + "residual2");
        return layerNorm(p + "residual2", random, output, p + "norm2");
    }

    /** The attention output and feed-forward block of a post-norm layer with SkipLayerNormalizations. */
    private String fusedPostNormTail(String p, Random random, String input, String output) {
        String attentionBias = bareLinear(p + "context/merged", hidden, hidden, random, p + "attention_output");
        String mid = skipNorm(p + "attention_output/matmul", input, attentionBias, random, p + "norm1/out",
                p + "norm1");
        String up = linear(mid, hidden, ffn, random, p + "ffn/up");
        String gelu = gelu(up, p + "ffn/gelu");
        String downBias = bareLinear(gelu, ffn, hidden, random, p + "ffn/down");
        return skipNorm(p + "ffn/down/matmul", mid, downBias, random, output, p + "norm2");
    }

    /** A MatMul whose bias (returned) is drawn as {@link #linear} draws it but added elsewhere. */
    private String bareLinear(String input, int in, int out, Random random, String name) {
        String weight = graph.init(name + ".weight", floats(random, in * out, (float) (1 / Math.sqrt(in))), in, out);
        String bias = graph.init(name + ".bias", floats(random, out, 0.1f), out);
        graph.node("MatMul", List.of(input, weight), name + "/matmul");
        return bias;
    }

    /** LayerNorm(x + skip + bias) as one SkipLayerNormalization; scale and shift drawn as in {@link #layerNorm}. */
    private String skipNorm(String x, String skip, String bias, Random random, String output, String name) {
        String gamma = graph.normWeight(name + ".weight", random, hidden);
        String beta = graph.init(name + ".bias", floats(random, hidden, 0.1f), hidden);
        graph.microsoftNode("SkipLayerNormalization", List.of(x, skip, gamma, beta, bias), output,
                floatAttr("epsilon", 1e-5f));
        return output;
    }

    private String linear(String input, int in, int out, Random random, String name) {
        String weight = graph.init(name + ".weight", floats(random, in * out, (float) (1 / Math.sqrt(in))), in, out);
        String bias = graph.init(name + ".bias", floats(random, out, 0.1f), out);
        graph.node("MatMul", List.of(input, weight), name + "/matmul");
        graph.node("Add", List.of(bias, name + "/matmul"), name + "/out");
        return name + "/out";
    }

    private String gelu(String x, String name) {
        graph.node("Div", List.of(x, scalar((float) Math.sqrt(2))), name + "/div");
        graph.node("Erf", List.of(name + "/div"), name + "/erf");
        graph.node("Add", List.of(name + "/erf", scalar(1f)), name + "/add");
        graph.node("Mul", List.of(x, name + "/add"), name + "/mul");
        graph.node("Mul", List.of(name + "/mul", scalar(0.5f)), name + "/out");
        return name + "/out";
    }

    private String layerNorm(String input, Random random, String name) {
        return layerNorm(input, random, name + "/out", name);
    }

    private String layerNorm(String input, Random random, String output, String name) {
        String gamma = graph.normWeight(name + ".weight", random, hidden);
        String beta = graph.init(name + ".bias", floats(random, hidden, 0.1f), hidden);
        if (fusedLayerNorm) {
            graph.node("LayerNormalization", List.of(input, gamma, beta), output, intAttr("axis", -1),
                    floatAttr("epsilon", 1e-5f));
            return output;
        }
        graph.node("ReduceMean", List.of(input), name + "/mean", intsAttr("axes", -1));
        graph.node("Sub", List.of(input, name + "/mean"), name + "/centered");
        graph.node("Pow", List.of(name + "/centered", scalar(2f)), name + "/squared");
        graph.node("ReduceMean", List.of(name + "/squared"), name + "/variance", intsAttr("axes", -1));
        graph.node("Add", List.of(name + "/variance", scalar(1e-5f)), name + "/variance_eps");
        graph.node("Sqrt", List.of(name + "/variance_eps"), name + "/std");
        graph.node("Div", List.of(name + "/centered", name + "/std"), name + "/normalized");
        graph.node("Mul", List.of(name + "/normalized", gamma), name + "/scaled");
        graph.node("Add", List.of(name + "/scaled", beta), output);
        return output;
    }

    private String scalar(float value) {
        String name = "const_" + graph.nextIndex();
        TensorProto tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(value).build();
        graph.node("Constant_" + graph.nextIndex(), "Constant", List.of(), name, AttributeProto.newBuilder()
                .setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(tensor).build());
        return name;
    }

    /** Kept for the tests that build small graphs of their own; see {@link FixtureGraphs#valueInfo}. */
    static ValueInfoProto valueInfo(String name, int type, String... dims) {
        return FixtureGraphs.valueInfo(name, type, dims);
    }

    /** Token ids and masks for a batch of 2 rows of 5 tokens; the second row has 2 padding tokens. */
    static java.util.Map<String, long[][]> sampleInputs() {
        return java.util.Map.of(
                "input_ids", new long[][] {{1, 7, 23, 4, 49}, {2, 9, 31, 0, 0}},
                "attention_mask", new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
    }
}
