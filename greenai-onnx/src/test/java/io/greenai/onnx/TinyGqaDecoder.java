package io.greenai.onnx;

import static io.greenai.onnx.FixtureGraphs.floatAttr;
import static io.greenai.onnx.FixtureGraphs.floats;
import static io.greenai.onnx.FixtureGraphs.intAttr;
import static io.greenai.onnx.FixtureGraphs.valueInfo;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds a tiny LLaMA-layout decoder with grouped-query attention the way the onnxruntime-genai model
 * builder writes it, in float32: token embeddings; {@code SimplifiedLayerNormalization} and
 * {@code SkipSimplifiedLayerNormalization} (RMSNorm fused with the residual addition) at the layer
 * borders; query, key and value projections (separate, or one packed MatMul) feeding
 * {@code com.microsoft.GroupQueryAttention} with rotary embeddings inside ({@code do_rotary=1}) and a
 * key/value cache per layer; SwiGLU feed-forward blocks; an LM head.
 *
 * <p>Layer {@code j}'s weights come from seed {@code j} (its input norm from {@code 500 + j}), so {@code layers(0, 2)} builds the model that
 * removing layer 1 of {@code layers(0, 1, 2)} should give. Its RMSNorm weights live in the border
 * nodes, as in the builder's graphs: layer {@code j}'s input norm sits in the node that ends layer
 * {@code j-1}.
 *
 * <p>Inputs: {@code input_ids}, {@code attention_mask}, {@code past_key_values.<i>.key/value}
 * ({@code [batch, kv_heads, past, head_size]}); outputs: {@code logits}, {@code present.<i>.key/value}.
 */
final class TinyGqaDecoder {

    static final int VOCAB = 50;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    /** ONNX Runtime's GroupQueryAttention (with rotary) needs a multiple of 16. */
    static final int HEAD_SIZE = 16;
    static final int HIDDEN = HEADS * HEAD_SIZE;
    static final int FFN = 24;
    static final int MAX_POSITIONS = 32;

    private int[] layerSeeds = {0, 1, 2};
    private boolean packed;
    private final FixtureGraphs graph = new FixtureGraphs();

    TinyGqaDecoder layers(int... seeds) {
        this.layerSeeds = seeds.clone();
        return this;
    }

    /** One MatMul computes query, key and value side by side, as the model builder does by default. */
    TinyGqaDecoder packedQkv() {
        this.packed = true;
        return this;
    }

    ModelProto build() {
        graph.clear();
        graph.restartNames();
        String embedding = graph.init("embed_tokens.weight", floats(new Random(1000), VOCAB * HIDDEN, 1f), VOCAB,
                HIDDEN);
        graph.node("Gather", List.of(embedding, "input_ids"), "embedded");
        // seqlens_k = (sum of the mask) - 1 and total_sequence_length = mask width, both int32.
        graph.node("ReduceSum", List.of("attention_mask", graph.ints("mask/axis", 1)), "mask/sum",
                intAttr("keepdims", 0));
        graph.node("Sub", List.of("mask/sum", graph.longScalar("mask/one", 1)), "mask/last");
        graph.node("Cast", List.of("mask/last"), "seqlens_k", intAttr("to", TensorProto.DataType.INT32_VALUE));
        graph.node("Shape", List.of("attention_mask"), "mask/shape");
        graph.node("Gather", List.of("mask/shape", graph.longScalar("mask/index", 1)), "mask/total");
        graph.node("Cast", List.of("mask/total"), "total_sequence_length",
                intAttr("to", TensorProto.DataType.INT32_VALUE));
        String[] caches = rotaryCaches();
        String residual = "embedded";
        String normalized = "layer0/input_norm/out";
        // Named by the counter one past this node's own step, as this fixture has always named it.
        graph.node("input_norm_" + (graph.nextIndex() + 1), "SimplifiedLayerNormalization",
                List.of(residual, norm(new Random(500 + layerSeeds[0]), "layer0/input_norm")),
                normalized, intAttr("axis", -1), floatAttr("epsilon", 1e-6f));
        List<String> pastInputs = new ArrayList<>();
        List<String> presentOutputs = new ArrayList<>();
        for (int i = 0; i < layerSeeds.length; i++) {
            String p = "layer" + i + "/";
            Random random = new Random(layerSeeds[i]);
            String past = "past_key_values." + i;
            String present = "present." + i;
            String attended = attention(normalized, random, p, past, present, caches);
            pastInputs.add(past);
            presentOutputs.add(present);
            String postNorm = norm(random, p + "post_attention_norm");
            skipNorm(residual, attended, postNorm, p + "post_attention_norm");
            String mlp = swiGlu(p + "post_attention_norm/out", random, p);
            boolean last = i == layerSeeds.length - 1;
            String nextNorm = last ? norm(new Random(1001), "final_norm")
                    : norm(new Random(500 + layerSeeds[i + 1]), "layer" + (i + 1) + "/input_norm");
            String border = last ? "final_norm" : "layer" + (i + 1) + "/input_norm";
            residual = skipNorm(p + "post_attention_norm/sum", mlp, nextNorm, border, !last);
            normalized = border + "/out";
        }
        String head = graph.init("lm_head.weight", floats(new Random(1002), HIDDEN * VOCAB, 0.5f), HIDDEN, VOCAB);
        graph.node("MatMul", List.of(normalized, head), "logits");
        GraphProto.Builder proto = graph.graph("tiny-gqa")
                .addInput(valueInfo("input_ids", TensorProto.DataType.INT64_VALUE, "batch_size",
                        "sequence_length"))
                .addInput(valueInfo("attention_mask", TensorProto.DataType.INT64_VALUE, "batch_size",
                        "total_sequence_length"))
                .addOutput(valueInfo("logits", TensorProto.DataType.FLOAT_VALUE, "batch_size",
                        "sequence_length", String.valueOf(VOCAB)));
        for (String past : pastInputs) {
            for (String kind : List.of(".key", ".value")) {
                proto.addInput(valueInfo(past + kind, TensorProto.DataType.FLOAT_VALUE, "batch_size",
                        String.valueOf(KV_HEADS), "past_sequence_length", String.valueOf(HEAD_SIZE)));
            }
        }
        for (String present : presentOutputs) {
            for (String kind : List.of(".key", ".value")) {
                proto.addOutput(valueInfo(present + kind, TensorProto.DataType.FLOAT_VALUE,
                        "batch_size", String.valueOf(KV_HEADS), "total_sequence_length", String.valueOf(HEAD_SIZE)));
            }
        }
        return FixtureGraphs.model()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
                .setGraph(proto).build();
    }

    private String attention(String x, Random random, String p, String past, String present, String[] caches) {
        int kvWidth = KV_HEADS * HEAD_SIZE;
        List<String> inputs = new ArrayList<>();
        float scale = (float) (1 / Math.sqrt(HIDDEN));
        if (packed) {
            String weight = graph.init(p + "qkv_proj.weight", floats(random, HIDDEN * (HIDDEN + 2 * kvWidth), scale),
                    HIDDEN, HIDDEN + 2 * kvWidth);
            graph.node("MatMul", List.of(x, weight), p + "qkv_proj/out");
            inputs.addAll(List.of(p + "qkv_proj/out", "", ""));
        } else {
            inputs.add(graph.matMul(x, HIDDEN, HIDDEN, random, p + "q_proj"));
            inputs.add(graph.matMul(x, HIDDEN, kvWidth, random, p + "k_proj"));
            inputs.add(graph.matMul(x, HIDDEN, kvWidth, random, p + "v_proj"));
        }
        inputs.addAll(List.of(past + ".key", past + ".value", "seqlens_k", "total_sequence_length", caches[0],
                caches[1]));
        graph.add(NodeProto.newBuilder().setOpType("GroupQueryAttention").setDomain("com.microsoft")
                .setName(p + "GroupQueryAttention").addAllInput(inputs)
                .addOutput(p + "attention/out").addOutput(present + ".key").addOutput(present + ".value")
                .addAttribute(intAttr("num_heads", HEADS)).addAttribute(intAttr("kv_num_heads", KV_HEADS))
                .addAttribute(intAttr("do_rotary", 1)).addAttribute(floatAttr("scale", (float) (1 / Math.sqrt(HEAD_SIZE))))
                .build());
        return graph.matMul(p + "attention/out", HIDDEN, HIDDEN, random, p + "o_proj");
    }

    private String swiGlu(String x, Random random, String p) {
        String gate = graph.matMul(x, HIDDEN, FFN, random, p + "mlp/gate_proj");
        String up = graph.matMul(x, HIDDEN, FFN, random, p + "mlp/up_proj");
        graph.node("Sigmoid", List.of(gate), p + "mlp/sigmoid");
        graph.node("Mul", List.of(gate, p + "mlp/sigmoid"), p + "mlp/silu");
        graph.node("Mul", List.of(p + "mlp/silu", up), p + "mlp/product");
        return graph.matMul(p + "mlp/product", FFN, HIDDEN, random, p + "mlp/down_proj");
    }

    private String skipNorm(String residual, String skip, String weight, String name) {
        return skipNorm(residual, skip, weight, name, true);
    }

    /** SkipSimplifiedLayerNormalization: {@code name/out} = RMSNorm(residual + skip), {@code name/sum} = the sum. */
    private String skipNorm(String residual, String skip, String weight, String name, boolean sum) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType("SkipSimplifiedLayerNormalization")
                .setDomain("com.microsoft").setName(name + "/SkipLayerNorm")
                .addInput(residual).addInput(skip).addInput(weight).addOutput(name + "/out")
                .addAttribute(floatAttr("epsilon", 1e-6f));
        if (sum) {
            node.addOutput("").addOutput("").addOutput(name + "/sum");
        }
        graph.add(node.build());
        return sum ? name + "/sum" : name + "/out";
    }

    private String[] rotaryCaches() {
        int half = HEAD_SIZE / 2;
        float[] cos = new float[MAX_POSITIONS * half];
        float[] sin = new float[MAX_POSITIONS * half];
        for (int position = 0; position < MAX_POSITIONS; position++) {
            for (int i = 0; i < half; i++) {
                double angle = position / Math.pow(10000, 2.0 * i / HEAD_SIZE);
                cos[position * half + i] = (float) Math.cos(angle);
                sin[position * half + i] = (float) Math.sin(angle);
            }
        }
        return new String[] {graph.init("cos_cache", cos, MAX_POSITIONS, half),
                graph.init("sin_cache", sin, MAX_POSITIONS, half)};
    }

    private String norm(Random random, String name) {
        return graph.normWeight(name + ".weight", random, HIDDEN);
    }

}
