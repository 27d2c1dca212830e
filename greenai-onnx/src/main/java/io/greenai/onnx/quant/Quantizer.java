package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.greenai.core.CompressionStep;
import io.greenai.core.Precision;
import io.greenai.core.QuantizationOptions;
import io.greenai.core.UnsupportedModelException;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a float32 or float16 graph so that ONNX Runtime runs it in lower precision; the QUANTIZE
 * step of a plan, which runs last.
 *
 * <ul>
 *   <li><b>INT8, dynamic</b> (the default): every constant-weight MatMul/Gemm becomes
 *       {@code com.microsoft.DynamicQuantizeMatMul} (int8 weights per output channel, activations
 *       quantized to uint8 at run time); products sharing an input share one
 *       {@code DynamicQuantizeLinear} and become {@code com.microsoft.MatMulIntegerToFloat}.
 *   <li><b>INT8, static</b>: QDQ format, {@code QuantizeLinear}/{@code DequantizeLinear} around each
 *       MatMul with activation scales fixed from calibration ranges.
 *   <li><b>INT4</b>: {@code com.microsoft.MatMulNBits}, 4-bit weights in blocks along K.
 *   <li><b>FP16</b>: float16 weights and compute, float32 at the graph's borders, LayerNorm
 *       statistics in float32.
 * </ul>
 *
 * <p>For the integer precisions, embedding tables are stored int8 per row and dequantized right
 * after the lookup. LayerNorm, Softmax and the attention products of two activations stay float. For
 * CPU targets of INT8 (dynamic) and INT4, the float parts are fused the way ONNX Runtime's offline
 * transformer optimizer would, since its CPU provider does not when loading: each attention core
 * becomes one {@code com.microsoft.MultiHeadAttention} and each residual Add with its LayerNorm one
 * {@code com.microsoft.SkipLayerNormalization}, in float32.
 *
 * <p>A float16 model (an fp16 export such as onnxruntime-genai's) can go to INT4, whose
 * MatMulNBits then reads float16 activations and scales, or to dynamic INT8, whose products get
 * Casts to float32 around them (ONNX Runtime's integer products take float32 activations only).
 * FP16 and static INT8 of a float16 model are refused with the node that has the float16 weight.
 */
public final class Quantizer {

    private static final Logger LOG = LoggerFactory.getLogger(Quantizer.class);

    /** The operator domain of ONNX Runtime's contrib operators. */
    static final String MS_DOMAIN = "com.microsoft";

    /** Graph-output products with at most this many columns are classifier heads and stay float. */
    static final int MAX_HEAD_CLASSES = 16;

    /** Operators that only quantized graphs contain. */
    private static final Set<String> QUANTIZED_OPS = Set.of("MatMulInteger", "ConvInteger", "DynamicQuantizeLinear",
            "QuantizeLinear", "DequantizeLinear", "QLinearMatMul", "QLinearConv", "DynamicQuantizeMatMul",
            "MatMulIntegerToFloat", "MatMulNBits", "MatMulBnb4", "QAttention", "QGemm", "DynamicQuantizeLSTM",
            "GatherBlockQuantized", "QOrderedMatMul", "QuantizeWithOrder", "DequantizeWithOrder");

    /**
     * MatMulNBits' {@code accuracy_level} for CPU targets: 4 lets ONNX Runtime's CPU kernel quantize
     * the activations to int8 per block and use its integer kernels; on bge-small-en-v1.5 it measured
     * about 10% faster than level 0 (float32 compute) at the same cosine to the float model (0.9867).
     */
    static final int INT4_CPU_ACCURACY_LEVEL = 4;

    /** MatMulNBits' {@code accuracy_level} for GPU targets: 0, compute in the activations' float type. */
    static final int INT4_GPU_ACCURACY_LEVEL = 0;

    private Quantizer() {
    }

    /**
     * For ONNX Runtime's CPU provider, which does not fuse these itself when loading: attention cores
     * become MultiHeadAttention and residual Adds with their LayerNorms SkipLayerNormalization.
     */
    private static String cpuFusions(GraphEditor editor, GraphView view, List<LinearNode> linears) {
        Set<String> products = new HashSet<>();
        linears.forEach(l -> products.add(l.output()));
        int attention = AttentionFusion.apply(editor, view);
        int skip = SkipLayerNormFusion.apply(editor, view, products);
        return attention + " attention cores -> MultiHeadAttention, " + skip
                + " residual Add + LayerNorm -> SkipLayerNormalization";
    }

    /**
     * Throws if the graph is quantized already, naming the first quantized node.
     *
     * @param view the graph
     * @param source the model's name, for the message
     * @throws UnsupportedModelException if a node is one of the operators quantization emits
     *     (MatMulInteger, DynamicQuantizeLinear, QuantizeLinear, MatMulNBits …)
     */
    public static void rejectQuantized(GraphView view, String source) {
        for (NodeProto node : view.nodes()) {
            if (QUANTIZED_OPS.contains(node.getOpType()) || node.getOpType().startsWith("QLinear")) {
                throw new UnsupportedModelException("model '" + source + "' is already quantized: node "
                        + GraphView.describe(node) + " computes in low precision; GreenAI compresses float models, "
                        + "so start from the float32 or float16 export");
            }
        }
    }

    /**
     * Leaves a classification head in float: a product that writes a graph output, has at most
     * {@value #MAX_HEAD_CLASSES} columns and reads an input no other product reads (the pooled
     * vector). It costs next to nothing in float, its error would go straight into the scores, and a
     * float head can be fit again on the quantized model's features ({@code ClassifierHead.refit}).
     * Language-model heads are wider and are quantized. A graph made only of such products is
     * quantized whole.
     */
    private static List<LinearNode> withoutClassifierHeads(GraphView view, String source, List<LinearNode> linears) {
        List<LinearNode> heads = linears.stream()
                .filter(linear -> view.isGraphOutput(linear.output()) && linear.n() <= MAX_HEAD_CLASSES
                        && linears.stream().filter(other -> other.input().equals(linear.input())).count() == 1)
                .toList();
        if (heads.size() == linears.size()) {
            return linears;
        }
        heads.forEach(head -> LOG.info("{}: classifier head {} ({} x {}) stays in float", source, head.describe(),
                head.k(), head.n()));
        List<LinearNode> kept = new ArrayList<>(linears);
        kept.removeAll(heads);
        return kept;
    }

    /** The first product with a float16 weight, or null if the graph has none. */
    private static LinearNode firstHalf(List<LinearNode> linears) {
        return linears.stream().filter(LinearNode::half).findFirst().orElse(null);
    }

    /**
     * Returns the activation tensors that static INT8 needs ranges for: the inputs of the products
     * it will quantize.
     *
     * @param view the graph, as the earlier steps left it
     * @return the tensor names, each once, in graph order
     */
    public static List<String> calibrationTensors(GraphView view) {
        Set<String> tensors = new LinkedHashSet<>();
        LinearNode.find(view).forEach(l -> tensors.add(l.input()));
        return new ArrayList<>(tensors);
    }

    /**
     * Quantizes the graph under edit.
     *
     * @param editor the graph under edit; the view must show the same graph, unedited
     * @param view the graph
     * @param source the model's name, for messages and logs
     * @param step the precision and options
     * @param ranges for static INT8: the range of every tensor of {@link #calibrationTensors}; else empty
     * @throws UnsupportedModelException if the graph is quantized already, has no MatMul or Gemm with a
     *     constant float32 or float16 weight, or has float16 weights and the precision is FP16 or static
     *     INT8
     * @throws IllegalArgumentException if static INT8 lacks the range of a tensor it quantizes
     */
    public static void quantize(GraphEditor editor, GraphView view, String source, CompressionStep.Quantize step,
            Map<String, ActivationRange> ranges) {
        rejectQuantized(view, source);
        List<LinearNode> linears = withoutClassifierHeads(view, source, LinearNode.find(view));
        if (linears.isEmpty()) {
            throw new UnsupportedModelException("model '" + source + "' has no MatMul or Gemm with a constant float32 "
                    + "or float16 weight besides a classifier head: nothing to quantize");
        }
        Precision precision = step.precision();
        QuantizationOptions options = step.options();
        LinearNode half = firstHalf(linears);
        if (half != null && precision == Precision.FP16) {
            throw new UnsupportedModelException("model '" + source + "' is already in FP16: node " + half.describe()
                    + " has a float16 weight, so FP16 would change nothing; quantize it to INT8 or INT4 instead");
        }
        if (half != null && precision == Precision.INT8
                && options.activations() == QuantizationOptions.Activations.STATIC) {
            throw new UnsupportedModelException("model '" + source + "' computes in float16 (node " + half.describe()
                    + " has a float16 weight), and static INT8 writes float32 QDQ products; use dynamic INT8 or INT4");
        }
        // The CPU fusions write float32 MultiHeadAttention and SkipLayerNormalization nodes, which would
        // not type-check in a float16 graph; half-precision exports come fused by their builder anyway.
        boolean fuse = options.target() == QuantizationOptions.Target.CPU && half == null;
        long start = System.nanoTime();
        String summary = switch (precision) {
            case INT8 -> {
                int tables = EmbeddingTables.quantize(editor, view);
                if (options.activations() == QuantizationOptions.Activations.STATIC) {
                    int products = new Int8Static(editor, view, ranges).apply(linears);
                    yield products + " MatMul/Gemm wrapped in QuantizeLinear/DequantizeLinear (QDQ, int8 weights per "
                            + "output channel, uint8 activations with calibrated scales), " + tables
                            + " embedding tables int8 per row";
                }
                Int8Dynamic int8 = new Int8Dynamic(editor, view);
                int products = int8.apply(linears);
                yield linears.size() + " MatMul/Gemm -> " + products + " integer products (" + int8.sharedInputs()
                        + " inputs quantized once for several), int8 weights per output column, uint8 activations at "
                        + "run time" + (half != null ? " (float16 model: Casts to float32 around each product)" : "")
                        + "; " + tables + " embedding tables int8 per row"
                        + (fuse ? "; " + cpuFusions(editor, view, linears) : "");
            }
            case FP16 -> {
                if (options.target() == QuantizationOptions.Target.CPU) {
                    LOG.warn("{}: FP16 is meant for GPUs: ONNX Runtime's CPU provider has no float16 MatMul, so it "
                            + "casts around every float16 operator it lacks and runs slower than the float32 model; "
                            + "for CPU prefer INT8 (quantize with target GPU to silence this warning)", source);
                }
                Fp16Conversion conversion = new Fp16Conversion(editor, view);
                int weights = conversion.apply();
                yield weights + " float32 initializers -> float16, LayerNorm statistics in float32 ("
                        + conversion.fusedLayerNorms() + " as LayerNormalization with stash_type 1), float32 inputs "
                        + "and outputs kept through Casts";
            }
            case INT4 -> {
                int tables = EmbeddingTables.quantize(editor, view);
                int level = options.target() == QuantizationOptions.Target.CPU ? INT4_CPU_ACCURACY_LEVEL
                        : INT4_GPU_ACCURACY_LEVEL;
                int products = new Int4WeightOnly(editor, options.blockSize(), level).apply(linears);
                yield linears.size() + " MatMul/Gemm -> " + products + " MatMulNBits (4 bits, blocks of "
                        + options.blockSize() + (half != null ? ", float16 activations and scales" : "") + "), "
                        + tables + " embedding tables int8 per row" + (fuse ? "; " + cpuFusions(editor, view, linears)
                        : "");
            }
            default -> throw new UnsupportedOperationException(precision + " is not implemented yet");
        };
        editor.removeDeadCode();
        LOG.info("{}: {} in {} ms: {}", source, step.spec(), (System.nanoTime() - start) / 1_000_000, summary);
    }
}
