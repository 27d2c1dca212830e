package io.greenai.onnx;

import static io.greenai.onnx.FixtureGraphs.floats;
import static io.greenai.onnx.FixtureGraphs.intAttr;
import static io.greenai.onnx.FixtureGraphs.intsAttr;
import static io.greenai.onnx.FixtureGraphs.valueInfo;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds a tiny T5-layout encoder-decoder in one graph, the way PyTorch exports Hugging Face's
 * {@code T5ForConditionalGeneration} (no key/value cache): shared token embeddings; pre-norm RMSNorm
 * without bias or mean subtraction (Pow, ReduceMean, Add, Sqrt, Div(1, ·), Mul, Mul by the weight);
 * attention projections without bias and scores without scaling; a relative position bias computed
 * once per stack (buckets from Range differences, a Gather on a [buckets, heads] table, Transpose,
 * Unsqueeze) plus the mask, added to every layer's scores; a decoder whose self-attention also has a
 * causal mask and whose cross-attention reads the encoder's final normed output; ReLU feed-forward
 * blocks; the decoder output scaled by d_model^-0.5 before the LM head. The position bias reads the
 * sequence length off the first layer's normed input, as the export does.
 *
 * <p>Weights of encoder layer {@code j} come from seed {@code 100 + j}, of decoder layer {@code j}
 * from {@code 200 + j}; everything else has its own seed. So {@code encoderLayers(0, 2)} builds
 * exactly the model that removing encoder layer 1 from {@code encoderLayers(0, 1, 2)} should give.
 *
 * <p>Inputs: {@code input_ids}, {@code attention_mask}, {@code decoder_input_ids},
 * {@code decoder_attention_mask}; outputs: {@code logits}, {@code encoder_last_hidden_state}. The
 * residual stream after encoder layer {@code i} (position in this graph) is {@code encoder/layer<i>/out},
 * after decoder layer {@code i} {@code decoder/layer<i>/out}.
 */
final class TinyT5 {

    static final int VOCAB = 40;
    static final int MODEL = 8;
    static final int HEADS = 2;
    static final int HEAD_SIZE = 4;
    static final int FFN = 16;
    static final int BUCKETS = 8;

    private int[] encoderSeeds = {0, 1, 2};
    private int[] decoderSeeds = {0, 1, 2};
    private boolean decoderOnly;
    private final List<String> presents = new ArrayList<>();
    private final FixtureGraphs graph = new FixtureGraphs();

    TinyT5 encoderLayers(int... seeds) {
        this.encoderSeeds = seeds.clone();
        return this;
    }

    TinyT5 decoderLayers(int... seeds) {
        this.decoderSeeds = seeds.clone();
        return this;
    }

    /**
     * Builds the decoder alone, as Hugging Face Optimum splits the export ({@code decoder_model.onnx}):
     * inputs {@code input_ids}, {@code encoder_attention_mask}, {@code encoder_hidden_states}; outputs
     * {@code logits} and, per layer, {@code present.<i>.decoder.key/value} and
     * {@code present.<i>.encoder.key/value}.
     */
    TinyT5 decoderOnly() {
        this.decoderOnly = true;
        return this;
    }

    ModelProto build() {
        graph.clear();
        graph.restartNames();
        presents.clear();
        String shared = graph.init("shared.weight", floats(new Random(1000), VOCAB * MODEL, 1f), VOCAB, MODEL);
        if (decoderOnly) {
            return decoder(shared, extendedMask("encoder_attention_mask", "encoder/mask"), "encoder_hidden_states",
                    "input_ids", null);
        }
        // Encoder.
        graph.node("Gather", List.of(shared, "input_ids"), "encoder/embedded");
        String encoderMask = extendedMask("attention_mask", "encoder/mask");
        String stream = "encoder/embedded";
        String encoderBias = null;
        for (int i = 0; i < encoderSeeds.length; i++) {
            String p = "encoder/layer" + i + "/";
            Random random = new Random(100 + encoderSeeds[i]);
            String normed = rmsNorm(stream, random, p + "norm1");
            if (encoderBias == null) {
                encoderBias = positionBias(normed, normed, "encoder/relative_attention_bias", new Random(300), true,
                        encoderMask, null);
            }
            String attended = attention(normed, normed, random, p + "self", encoderBias);
            graph.node("Add", List.of(stream, attended), p + "residual1");
            stream = feedForward(p + "residual1", random, p, p + "out");
        }
        String encoded = rmsNorm(stream, new Random(1001), "encoder/final_norm", "encoder_last_hidden_state");
        return decoder(shared, encoderMask, encoded, "decoder_input_ids", "decoder_attention_mask");
    }

    private ModelProto decoder(String shared, String crossMask, String encoded, String ids, String padMask) {
        graph.node("Gather", List.of(shared, ids), "decoder/embedded");
        String stream = "decoder/embedded";
        String decoderBias = null;
        for (int i = 0; i < decoderSeeds.length; i++) {
            String p = "decoder/layer" + i + "/";
            Random random = new Random(200 + decoderSeeds[i]);
            String normed = rmsNorm(stream, random, p + "norm1");
            if (decoderBias == null) {
                decoderBias = positionBias(normed, normed, "decoder/relative_attention_bias", new Random(301), false,
                        null, padMask);
            }
            String attended = attention(normed, normed, random, p + "self", decoderBias);
            graph.node("Add", List.of(stream, attended), p + "residual1");
            String crossNormed = rmsNorm(p + "residual1", random, p + "norm2");
            String crossed = attention(crossNormed, encoded, random, p + "cross", crossMask);
            graph.node("Add", List.of(p + "residual1", crossed), p + "residual2");
            stream = feedForward(p + "residual2", random, p, p + "out");
            if (decoderOnly) {
                for (String part : List.of("self", "cross")) {
                    String kind = part.equals("self") ? "decoder" : "encoder";
                    graph.node("Identity", List.of(p + part + "/k_t"), "present." + i + "." + kind + ".key");
                    graph.node("Identity", List.of(p + part + "/v_t"), "present." + i + "." + kind + ".value");
                    presents.add("present." + i + "." + kind + ".key");
                    presents.add("present." + i + "." + kind + ".value");
                }
            }
        }
        String decoded = rmsNorm(stream, new Random(1002), "decoder/final_norm");
        graph.node("Mul", List.of(decoded, scalar((float) Math.pow(MODEL, -0.5))), "decoder/scaled");
        String head = graph.init("lm_head.weight", floats(new Random(1003), MODEL * VOCAB, 0.5f), MODEL, VOCAB);
        graph.node("MatMul", List.of("decoder/scaled", head), "logits");
        GraphProto.Builder proto = graph.graph("tiny-t5");
        if (decoderOnly) {
            proto.addInput(valueInfo("input_ids", TensorProto.DataType.INT64_VALUE, "batch",
                    "decoder_sequence"))
                    .addInput(valueInfo("encoder_attention_mask", TensorProto.DataType.INT64_VALUE,
                            "batch", "encoder_sequence"))
                    .addInput(valueInfo("encoder_hidden_states", TensorProto.DataType.FLOAT_VALUE,
                            "batch", "encoder_sequence", String.valueOf(MODEL)));
        } else {
            proto.addInput(valueInfo("input_ids", TensorProto.DataType.INT64_VALUE, "batch",
                    "encoder_sequence"))
                    .addInput(valueInfo("attention_mask", TensorProto.DataType.INT64_VALUE, "batch",
                            "encoder_sequence"))
                    .addInput(valueInfo("decoder_input_ids", TensorProto.DataType.INT64_VALUE, "batch",
                            "decoder_sequence"))
                    .addInput(valueInfo("decoder_attention_mask", TensorProto.DataType.INT64_VALUE,
                            "batch", "decoder_sequence"));
        }
        proto.addOutput(valueInfo("logits", TensorProto.DataType.FLOAT_VALUE, "batch",
                "decoder_sequence", String.valueOf(VOCAB)));
        if (!decoderOnly) {
            proto.addOutput(valueInfo("encoder_last_hidden_state", TensorProto.DataType.FLOAT_VALUE,
                    "batch", "encoder_sequence", String.valueOf(MODEL)));
        }
        for (String present : presents) {
            proto.addOutput(valueInfo(present, TensorProto.DataType.FLOAT_VALUE, "batch",
                    String.valueOf(HEADS), present.contains("decoder") ? "decoder_sequence" : "encoder_sequence",
                    String.valueOf(HEAD_SIZE)));
        }
        return FixtureGraphs.model().setGraph(proto).build();
    }

    /** (1 - mask) * -1e9, shaped [batch, 1, 1, sequence]. */
    private String extendedMask(String mask, String name) {
        graph.node("Cast", List.of(mask), name + "/float", intAttr("to", TensorProto.DataType.FLOAT_VALUE));
        graph.node("Sub", List.of(scalar(1f), name + "/float"), name + "/inverted");
        graph.node("Mul", List.of(name + "/inverted", scalar(-1e9f)), name + "/scaled");
        graph.node("Unsqueeze", List.of(name + "/scaled", graph.ints(name + "/axes", 1, 2)), name + "/out");
        return name + "/out";
    }

    /**
     * The relative position bias [batch, heads, q, k]: bucketed key-minus-query distances looked up in
     * a [buckets, heads] table, plus the padding mask (and, for the decoder, the causal mask).
     */
    private String positionBias(String queries, String keys, String name, Random random, boolean bidirectional,
            String encoderMask, String decoderMask) {
        graph.node("Shape", List.of(queries), name + "/q_shape");
        graph.node("Gather", List.of(name + "/q_shape", graph.longScalar(name + "/one", 1)), name + "/q_len",
                intAttr("axis", 0));
        graph.node("Shape", List.of(keys), name + "/k_shape");
        graph.node("Gather", List.of(name + "/k_shape", graph.longScalar(name + "/one_k", 1)), name + "/k_len",
                intAttr("axis", 0));
        graph.node("Range", List.of(graph.longScalar(name + "/zero", 0), name + "/q_len",
                graph.longScalar(name + "/step", 1)),
                name + "/q_positions");
        graph.node("Range", List.of(graph.longScalar(name + "/zero_k", 0), name + "/k_len",
                graph.longScalar(name + "/step_k", 1)),
                name + "/k_positions");
        graph.node("Unsqueeze", List.of(name + "/q_positions", graph.ints(name + "/axis1", 1)), name + "/context");
        graph.node("Unsqueeze", List.of(name + "/k_positions", graph.ints(name + "/axis0", 0)), name + "/memory");
        graph.node("Sub", List.of(name + "/memory", name + "/context"), name + "/relative");
        String bucket;
        if (bidirectional) {
            int half = BUCKETS / 2 - 1;
            graph.node("Clip", List.of(name + "/relative", graph.longScalar(name + "/low", -half),
                    graph.longScalar(name + "/high", half)),
                    name + "/clipped");
            graph.node("Add", List.of(name + "/clipped", graph.longScalar(name + "/offset", half)), name + "/bucket");
        } else {
            graph.node("Neg", List.of(name + "/relative"), name + "/distance");
            graph.node("Clip", List.of(name + "/distance", graph.longScalar(name + "/low", 0),
                    graph.longScalar(name + "/high",
                    BUCKETS - 1)), name + "/bucket");
        }
        bucket = name + "/bucket";
        String table = graph.init(name + ".weight", floats(random, BUCKETS * HEADS, 1f), BUCKETS, HEADS);
        graph.node("Gather", List.of(table, bucket), name + "/values");
        graph.node("Transpose", List.of(name + "/values"), name + "/transposed", intsAttr("perm", 2, 0, 1));
        graph.node("Unsqueeze", List.of(name + "/transposed", graph.ints(name + "/axis_batch", 0)), name + "/bias");
        String mask;
        if (encoderMask != null) {
            mask = encoderMask;
        } else {
            // Causal and padding mask: allowed where key position <= query position and the key is no pad.
            graph.node("LessOrEqual", List.of(name + "/memory", name + "/context"), name + "/causal");
            graph.node("Cast", List.of(name + "/causal"), name + "/causal_float",
                    intAttr("to", TensorProto.DataType.FLOAT_VALUE));
            if (decoderMask != null) {
                graph.node("Cast", List.of(decoderMask), name + "/pad_float",
                        intAttr("to", TensorProto.DataType.FLOAT_VALUE));
                graph.node("Unsqueeze", List.of(name + "/pad_float", graph.ints(name + "/pad_axes", 1, 2)),
                        name + "/pad");
                graph.node("Mul", List.of(name + "/causal_float", name + "/pad"), name + "/allowed");
            } else {
                graph.node("Identity", List.of(name + "/causal_float"), name + "/allowed");
            }
            graph.node("Sub", List.of(scalar(1f), name + "/allowed"), name + "/blocked");
            graph.node("Mul", List.of(name + "/blocked", scalar(-1e9f)), name + "/mask");
            mask = name + "/mask";
        }
        graph.node("Add", List.of(name + "/bias", mask), name + "/position_bias");
        return name + "/position_bias";
    }

    /** T5Attention: no bias, no scaling; {@code bias} is added to the scores. */
    private String attention(String queries, String keysValues, Random random, String p, String bias) {
        int inner = HEADS * HEAD_SIZE;
        String q = graph.matMul(queries, MODEL, inner, random, p + "/q");
        String k = graph.matMul(keysValues, MODEL, inner, random, p + "/k");
        String v = graph.matMul(keysValues, MODEL, inner, random, p + "/v");
        String split = graph.ints(p + "/split_shape", 0, -1, HEADS, HEAD_SIZE);
        graph.node("Reshape", List.of(q, split), p + "/q_heads");
        graph.node("Transpose", List.of(p + "/q_heads"), p + "/q_t", intsAttr("perm", 0, 2, 1, 3));
        graph.node("Reshape", List.of(k, split), p + "/k_heads");
        graph.node("Transpose", List.of(p + "/k_heads"), p + "/k_t", intsAttr("perm", 0, 2, 1, 3));
        graph.node("Reshape", List.of(v, split), p + "/v_heads");
        graph.node("Transpose", List.of(p + "/v_heads"), p + "/v_t", intsAttr("perm", 0, 2, 1, 3));
        graph.node("Transpose", List.of(p + "/k_t"), p + "/k_tt", intsAttr("perm", 0, 1, 3, 2));
        graph.node("MatMul", List.of(p + "/q_t", p + "/k_tt"), p + "/scores");
        graph.node("Add", List.of(p + "/scores", bias), p + "/biased");
        graph.node("Softmax", List.of(p + "/biased"), p + "/probs", intAttr("axis", -1));
        graph.node("MatMul", List.of(p + "/probs", p + "/v_t"), p + "/context");
        graph.node("Transpose", List.of(p + "/context"), p + "/context_t", intsAttr("perm", 0, 2, 1, 3));
        graph.node("Reshape", List.of(p + "/context_t", graph.ints(p + "/merge_shape", 0, -1, inner)), p + "/merged");
        return graph.matMul(p + "/merged", inner, MODEL, random, p + "/o");
    }

    private String feedForward(String input, Random random, String p, String output) {
        String normed = rmsNorm(input, random, p + "norm_ffn");
        String up = graph.matMul(normed, MODEL, FFN, random, p + "ffn/wi");
        graph.node("Relu", List.of(up), p + "ffn/relu");
        String down = graph.matMul(p + "ffn/relu", FFN, MODEL, random, p + "ffn/wo");
        graph.node("Add", List.of(input, down), output);
        return output;
    }

    private String rmsNorm(String input, Random random, String name) {
        return rmsNorm(input, random, name, name + "/out");
    }

    private String rmsNorm(String input, Random random, String name, String output) {
        String gamma = graph.normWeight(name + ".weight", random, MODEL);
        graph.node("Pow", List.of(input, scalar(2f)), name + "/squared");
        graph.node("ReduceMean", List.of(name + "/squared"), name + "/variance", intsAttr("axes", -1));
        graph.node("Add", List.of(name + "/variance", scalar(1e-6f)), name + "/variance_eps");
        graph.node("Sqrt", List.of(name + "/variance_eps"), name + "/rms");
        graph.node("Div", List.of(scalar(1f), name + "/rms"), name + "/inverse");
        graph.node("Mul", List.of(input, name + "/inverse"), name + "/normalized");
        graph.node("Mul", List.of(gamma, name + "/normalized"), output);
        return output;
    }

    private String scalar(float value) {
        String name = "const_" + graph.nextIndex();
        graph.add(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(value).build());
        return name;
    }

    /** Two rows: 5 source tokens (the second row with 2 pads) and 4 target tokens (1 pad). */
    static Map<String, long[][]> sampleInputs() {
        return Map.of(
                "input_ids", new long[][] {{3, 17, 25, 8, 1}, {4, 9, 30, 0, 0}},
                "attention_mask", new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}},
                "decoder_input_ids", new long[][] {{0, 12, 7, 33}, {0, 5, 21, 0}},
                "decoder_attention_mask", new long[][] {{1, 1, 1, 1}, {1, 1, 1, 0}});
    }
}
