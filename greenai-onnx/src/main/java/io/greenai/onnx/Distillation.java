package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.UnsupportedModelException;
import io.greenai.core.fit.RidgeRegression;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.graph.Projection;
import io.greenai.onnx.graph.Tensors;
import io.greenai.onnx.graph.TransformerDiscovery;
import io.greenai.onnx.graph.TransformerStack;
import io.greenai.onnx.graph.WeightMatrix;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-shot, label-free distillation in closed form. Stack by stack (an encoder-decoder's encoder
 * first), layer by layer from the bottom, each kept student layer's attention output projection, its
 * cross-attention output projection (T5's decoder layers) and its feed-forward down projection are
 * refit by ridge regression towards their current values:
 * <ul>
 * <li>{@code W_o} maps the student's attention context to the teacher's attention residual sum (at
 * the same layer) minus what the student adds to it besides the projection (its skip input, and the
 * bias a fused norm adds);
 * <li>the cross-attention {@code W_o} does the same for the cross-attention residual sum;
 * <li>{@code W_down} maps the student's feed-forward activations to the teacher's feed-forward
 * residual sum, taken at the end of the span of removed layers that follows the kept layer (at the
 * layer itself when none follows). A post-norm layer also takes over the output LayerNorm of the
 * span's last layer, so its output stands in for the whole span.
 * </ul>
 * The residual sum is a plain {@code Add}'s output or, where ONNX Runtime fused the Add into a
 * {@code SkipLayerNormalization} or {@code SkipSimplifiedLayerNormalization}, that node's sum output
 * (output 3), which the probing graphs add to the node when the model does not output it. A
 * projection with its own bias is refit with an intercept, and so is one whose bias ONNX Runtime
 * folded into the skip norm it feeds (the intercept is added to that norm's bias); one without any
 * (LLaMA, T5) is refit through the origin.
 * Float16 weights are written back as float16. A projection computed inside a fused node is left as it
 * is, with a log line.
 *
 * <p>Because each layer is fit on the inputs that the already-refit layers below produce, the fit
 * absorbs what removed layers and pruned heads and neurons contributed. An output head (a classifier's,
 * or a language model's when its weight is not tied to the embeddings) is refit to the teacher's
 * output last. Activations come from ONNX
 * Runtime (intermediate tensors exposed as outputs, graphs cut after them) and stream into Gram
 * matrices, so memory stays bounded.
 */
final class Distillation {

    private static final Logger LOG = LoggerFactory.getLogger(Distillation.class);
    /** Largest head refit, in fitted values ((inputs + 1) x outputs): 32M doubles, 256 MB. */
    private static final long MAX_HEAD_CELLS = 32L << 20;
    private final List<Map<String, long[][]>> batches;
    /** Ridge penalty relative to the mean diagonal of X'X, pulling the weights towards their current values. */
    private final double ridge;
    private final OrtOptions options = OrtOptions.defaults();

    private Distillation(List<Map<String, long[][]>> batches, double ridge) {
        this.batches = batches;
        this.ridge = ridge;
    }

    /**
     * Which teacher layers the layers of one student stack stand for.
     *
     * @param stack the stack's name, the same in student and teacher
     * @param teacherLayerOf for each student layer, the index of the teacher layer at the same place
     * @param teacherSpanEnd for each student layer, the last teacher layer it stands in for
     */
    record StackMapping(String stack, int[] teacherLayerOf, int[] teacherSpanEnd) {
    }

    /**
     * Refits a student to its teacher.
     *
     * @param student the compressed model
     * @param teacher the teacher
     * @param stacks the stacks to refit, in graph order, with their layer mappings
     * @param batches calibration inputs
     * @param ridge the relative ridge penalty of each refit
     * @return the refit student
     * @throws UnsupportedModelException naming the node or tensor when a layer cannot be refit safely
     */
    static OnnxModel distill(OnnxModel student, OnnxModel teacher, List<StackMapping> stacks,
            List<Map<String, long[][]>> batches, double ridge) {
        return new Distillation(batches, ridge).run(student, teacher, stacks);
    }

    private OnnxModel run(OnnxModel student, OnnxModel teacher, List<StackMapping> stacks) {
        long start = System.nanoTime();
        GraphView studentGraph = new GraphView(student.proto().getGraph());
        GraphView teacherGraph = new GraphView(teacher.proto().getGraph());
        OnnxModel current = student;
        int refit = 0;
        for (StackMapping mapping : stacks) {
            TransformerStack studentStack = stack(student, mapping.stack());
            TransformerStack teacherStack = stack(teacher, mapping.stack());
            String mask = maskInput(studentStack);
            for (int j = 0; j < studentStack.layers().size(); j++) {
                long layerStart = System.nanoTime();
                LayerBlock layer = studentStack.layers().get(j);
                int sameIndex = mapping.teacherLayerOf()[j];
                int endIndex = mapping.teacherSpanEnd()[j];
                Taps taps = Taps.of(studentGraph, layer);
                Taps same = Taps.of(teacherGraph, teacherStack.layers().get(sameIndex));
                Taps end = Taps.of(teacherGraph, teacherStack.layers().get(endIndex));
                List<String> wanted = new ArrayList<>(List.of(same.attentionResidual()));
                boolean cross = taps.crossResidual() != null && same.crossResidual() != null;
                if (cross) {
                    wanted.add(same.crossResidual());
                }
                wanted.add(end.ffnResidual());
                List<FloatTensor[]> targets = collect(teacher, wanted);
                if (endIndex != sameIndex && taps.normScale() != null) {
                    current = copyNorm(current, studentGraph, teacherGraph, taps, end);
                }
                current = refit(current, studentGraph, layer.attentionOutput(), taps.attentionResidual(), targets, 0,
                        mask);
                if (cross) {
                    current = refit(current, studentGraph, layer.crossAttention().output(), taps.crossResidual(),
                            targets, 1, mask);
                }
                current = refit(current, studentGraph, layer.ffnDown(), taps.ffnResidual(), targets,
                        wanted.size() - 1, mask);
                refit++;
                LOG.info("{}: distilled {} layer {} (teacher layers {}..{}{}) in {} ms", student.name(),
                        studentStack.name(), j, sameIndex, endIndex, cross ? ", cross-attention included" : "",
                        (System.nanoTime() - layerStart) / 1_000_000);
            }
        }
        current = refitHeads(current, teacher);
        LOG.info("{}: distillation of {} layers in {} stacks on {} calibration batches took {} ms", student.name(),
                refit, stacks.size(), batches.size(), (System.nanoTime() - start) / 1_000_000);
        return current;
    }

    /** The named stack, or the only one (a single stack is matched whatever its name). */
    private static TransformerStack stack(OnnxModel model, String name) {
        return model.transformerStacks().size() == 1 ? model.transformerStack() : model.transformerStack(name);
    }

    /**
     * The mask input that marks a stack's real tokens: an encoder-decoder's decoder reads
     * {@code decoder_attention_mask}, other stacks {@code attention_mask}.
     */
    private String maskInput(TransformerStack stack) {
        boolean decoderMask = stack.name().startsWith("decoder") && !batches.isEmpty()
                && batches.get(0).containsKey("decoder_attention_mask");
        return decoderMask ? "decoder_attention_mask" : "attention_mask";
    }

    /**
     * Refits one projection so that the residual sum it feeds matches the teacher's tensor
     * {@code targets[b][which]}: with {@code P} the projection's output and {@code R} the student's
     * residual sum, everything else the sum adds is {@code R - P}, and the projection is fit to the
     * teacher's sum minus that. With {@code residual} null the projection alone is fit (an output head).
     */
    private OnnxModel refit(OnnxModel model, GraphView graph, Projection projection, String residual,
            List<FloatTensor[]> targets, int which, String maskInput) {
        // The node that multiplies the input by the weight (names may be empty, so not found by name).
        NodeProto node = graph.consumers(projection.weight()).stream()
                .filter(n -> n.getInputList().contains(projection.input())).findFirst().orElse(null);
        if (node == null || !(node.getOpType().equals("MatMul") || node.getOpType().equals("Gemm"))
                || projection.offset() != 0) {
            LOG.warn("{}: projection '{}' is computed inside {}, which distillation cannot refit; it is left as it is",
                    model.name(), projection.node(), node == null ? "a fused node" : GraphView.describe(node));
            return model;
        }
        rejectShared(graph, projection.weight(), node);
        // A projection without a bias of its own may have one in the fused skip norm it feeds (ONNX
        // Runtime folds the bias Add into the norm): that bias is then the fit's intercept.
        String normBias = projection.bias() == null && residual != null ? Taps.fusedNormBias(graph, projection) : null;
        boolean intercept = projection.bias() != null || normBias != null;
        if (projection.bias() != null) {
            rejectShared(graph, projection.bias(), node);
        }
        List<String> wanted = residual == null ? List.of(projection.input())
                : List.of(projection.input(), projection.output(), residual);
        RidgeRegression fit = new RidgeRegression(projection.inFeatures(), projection.outFeatures(), ridge);
        OnnxModel probe = cut(model, wanted);
        try (InferenceSession session = probe.newSession(options)) {
            for (int b = 0; b < batches.size(); b++) {
                Map<String, FloatTensor> outputs = session.runWithDefaults(batches.get(b));
                FloatTensor x = outputs.get(projection.input());
                FloatTensor y = targets.get(b)[which];
                float[] base = residual == null ? null
                        : difference(outputs.get(residual), outputs.get(projection.output()), residual);
                addRows(fit, x, y, base, mask(batches.get(b).get(maskInput), x, projection.inFeatures()));
            }
        }
        GraphEditor editor = new GraphEditor(model.proto());
        TensorProto weight = editor.initializer(projection.weight());
        double[][] prior = toDoubles(WeightMatrix.of(weight, projection.transposed()));
        RidgeRegression.Solution solution = intercept ? fit.solve(prior) : fit.solveThroughOrigin(prior);
        editor.replaceInitializer(sameType(WeightMatrix.fromInOut(projection.weight(), solution.weights(),
                projection.transposed()), weight));
        if (normBias != null) {
            // The residual sum already holds the old bias (it is part of what the fit subtracted), so the
            // intercept comes on top of it.
            TensorProto old = editor.initializer(normBias);
            float[] values = Tensors.toFloatsWidened(old);
            double[] shifted = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                shifted[i] = values[i] + solution.intercept()[i];
            }
            editor.replaceInitializer(sameType(WeightMatrix.vector(normBias, shifted), old));
        } else if (intercept) {
            editor.replaceInitializer(sameType(WeightMatrix.vector(projection.bias(), solution.intercept()),
                    editor.initializer(projection.bias())));
        }
        return model.derive(editor.build());
    }

    /** {@code sum - part}, element by element: what a residual sum adds besides the projection. */
    private static float[] difference(FloatTensor sum, FloatTensor part, String residual) {
        if (sum.data().length != part.data().length) {
            throw new UnsupportedModelException("residual sum '" + residual + "' has " + sum.data().length
                    + " elements but the projection output it adds has " + part.data().length);
        }
        float[] base = new float[sum.data().length];
        for (int i = 0; i < base.length; i++) {
            base[i] = sum.data()[i] - part.data()[i];
        }
        return base;
    }

    /** Refuses to refit an initializer that other nodes read too: the new values would change them. */
    private static void rejectShared(GraphView graph, String initializer, NodeProto owner) {
        List<NodeProto> readers = graph.consumers(initializer);
        if (readers.size() > 1) {
            throw new UnsupportedModelException("initializer '" + initializer + "' of " + GraphView.describe(owner)
                    + " is also read by " + readers.stream().filter(n -> n != owner).map(GraphView::describe).toList()
                    + "; distillation refits only weights that one node reads");
        }
    }

    /** The fitted float32 tensor stored in the element type of the tensor it replaces (float16 stays float16). */
    private static TensorProto sameType(TensorProto fitted, TensorProto original) {
        if (original.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
            return fitted;
        }
        if (original.getDataType() != TensorProto.DataType.FLOAT16_VALUE) {
            throw new UnsupportedModelException("initializer '" + original.getName() + "' is "
                    + TensorProto.DataType.forNumber(original.getDataType())
                    + "; distillation refits FLOAT and FLOAT16 weights");
        }
        float[] values = Tensors.toFloats(fitted);
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(values.length * 2)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            if (!(Math.abs(value) <= io.greenai.onnx.quant.HalfFloat.MAX)) {
                throw new UnsupportedModelException("refit value " + value + " of float16 initializer '"
                        + original.getName() + "' is beyond the float16 range");
            }
            bytes.putShort(io.greenai.onnx.quant.HalfFloat.fromFloat(value));
        }
        return fitted.toBuilder().setDataType(TensorProto.DataType.FLOAT16_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(bytes.array())).build();
    }

    /** Gives the student layer's output LayerNorm the scale and shift of the teacher layer it now ends. */
    private static OnnxModel copyNorm(OnnxModel student, GraphView studentGraph, GraphView teacherGraph, Taps layer,
            Taps end) {
        if (end.normScale() == null) {
            return student;
        }
        GraphEditor editor = new GraphEditor(student.proto());
        NodeProto norm = studentGraph.consumers(layer.normScale()).get(0);
        rejectShared(studentGraph, layer.normScale(), norm);
        editor.replaceInitializer(teacherInitializer(teacherGraph, end.normScale()).toBuilder()
                .setName(layer.normScale()).build());
        if (layer.normBias() != null && end.normBias() != null) {
            rejectShared(studentGraph, layer.normBias(), norm);
            editor.replaceInitializer(teacherInitializer(teacherGraph, end.normBias()).toBuilder()
                    .setName(layer.normBias()).build());
        }
        return student.derive(editor.build());
    }

    private static TensorProto teacherInitializer(GraphView teacherGraph, String name) {
        TensorProto tensor = teacherGraph.initializer(name);
        if (tensor == null) {
            throw new UnsupportedModelException("teacher LayerNorm parameter '" + name + "' is not an initializer");
        }
        return tensor;
    }

    /** Suffix of the name under which a probing graph exposes a fused norm's residual sum it does not output. */
    private static final String SUM_SUFFIX = "/greenai/residual_sum";

    /**
     * The residual sums distillation fits around one layer: after self-attention, after
     * cross-attention (null without), after the feed-forward block; and a post-norm layer's output
     * LayerNorm scale and shift (null otherwise). A sum computed inside a fused skip norm is named by
     * {@link #sumOf}, which {@link #cut} turns into a tensor of the probing graph.
     */
    private record Taps(String attentionResidual, String crossResidual, String ffnResidual, String normScale,
            String normBias) {

        private static final java.util.Set<String> SHAPE_ONLY = java.util.Set.of("Reshape", "Squeeze", "Unsqueeze",
                "Identity");
        private static final java.util.Set<String> SKIP_NORMS = java.util.Set.of("SkipLayerNormalization",
                "SkipSimplifiedLayerNormalization");

        static Taps of(GraphView graph, LayerBlock layer) {
            String where = "layer " + layer.index();
            String attention = residualSum(graph, layer.attentionOutput().output(), where);
            String cross = layer.crossAttention() == null ? null
                    : residualSum(graph, layer.crossAttention().output().output(), where);
            String ffn = residualSum(graph, layer.ffnDown().output(), where);
            String scale = null;
            String bias = null;
            if (layer.norm() == io.greenai.core.NormPlacement.POST) {
                NodeProto last = graph.producer(layer.output());
                if (last != null && last.getOpType().equals("LayerNormalization")) {
                    scale = last.getInput(1);
                    bias = GraphView.input(last, 2).isEmpty() ? null : last.getInput(2);
                } else if (last != null && SKIP_NORMS.contains(last.getOpType())) {
                    scale = last.getInput(2);
                    bias = last.getOpType().equals("SkipLayerNormalization") && !GraphView.input(last, 3).isEmpty()
                            ? last.getInput(3) : null;
                } else if (last != null && last.getOpType().equals("Add")) {
                    bias = constantOf(graph, last);
                    NodeProto mul = graph.producer(nonConstantOf(graph, last));
                    scale = mul != null && mul.getOpType().equals("Mul") ? constantOf(graph, mul) : null;
                }
            }
            return new Taps(attention, cross, ffn, scale, bias);
        }

        /**
         * The residual sum that adds a projection's output: a residual Add or fused skip norm that
         * reads it directly or through the Reshapes that exporters put between a 2-D Gemm and the 3-D
         * residual stream (GPT-2's Conv1D); the tensor it reads is then the projection's output in
         * another shape, with the same values in the same order.
         */
        private static String residualSum(GraphView graph, String tensor, String where) {
            NodeProto node = residualNode(graph, tensor);
            if (node == null) {
                throw new UnsupportedModelException(where + ": no residual Add or fused skip norm reads '" + tensor
                        + "'");
            }
            return SKIP_NORMS.contains(node.getOpType()) ? sumOf(node) : node.getOutput(0);
        }

        /**
         * The residual {@code Add} or fused skip norm that reads a tensor, directly or through
         * shape-only nodes; null if none does.
         */
        private static NodeProto residualNode(GraphView graph, String tensor) {
            String current = tensor;
            for (int hops = 0; hops < 3; hops++) {
                List<NodeProto> users = graph.consumers(current);
                for (NodeProto user : users) {
                    if (user.getOpType().equals("Add") && user.getInputCount() == 2
                            && !graph.isConstant(otherInput(user, current))) {
                        return user;
                    }
                    if (SKIP_NORMS.contains(user.getOpType()) && user.getInputCount() >= 2
                            && (user.getInput(0).equals(current) || user.getInput(1).equals(current))) {
                        return user;
                    }
                }
                if (users.size() != 1 || !SHAPE_ONLY.contains(users.get(0).getOpType())) {
                    return null;
                }
                current = users.get(0).getOutput(0);
            }
            return null;
        }

        /**
         * The bias that the fused skip norm fed by a projection adds to its output (input 4 of
         * {@code SkipLayerNormalization}, input 3 of {@code SkipSimplifiedLayerNormalization}), when it
         * is an initializer as wide as the projection that only that norm reads; otherwise null.
         */
        static String fusedNormBias(GraphView graph, Projection projection) {
            NodeProto norm = residualNode(graph, projection.output());
            if (norm == null || !SKIP_NORMS.contains(norm.getOpType())) {
                return null;
            }
            String bias = GraphView.input(norm, norm.getOpType().equals("SkipLayerNormalization") ? 4 : 3);
            TensorProto tensor = bias.isEmpty() ? null : graph.initializer(bias);
            boolean own = tensor != null && graph.consumers(bias).size() == 1
                    && Tensors.elementCount(tensor) == projection.outFeatures();
            return own ? bias : null;
        }

        /** A fused skip norm's residual sum: its output 3, or the name a probing graph gives it. */
        static String sumOf(NodeProto skipNorm) {
            String sum = GraphView.output(skipNorm, 3);
            return sum.isEmpty() ? skipNorm.getOutput(0) + SUM_SUFFIX : sum;
        }

        private static String otherInput(NodeProto add, String tensor) {
            return add.getInput(0).equals(tensor) ? add.getInput(1) : add.getInput(0);
        }

        private static String constantOf(GraphView graph, NodeProto node) {
            for (String input : node.getInputList()) {
                if (graph.initializer(input) != null) {
                    return input;
                }
            }
            return null;
        }

        private static String nonConstantOf(GraphView graph, NodeProto node) {
            for (String input : node.getInputList()) {
                if (!graph.isConstant(input)) {
                    return input;
                }
            }
            return node.getInput(0);
        }
    }

    private static double[][] toDoubles(WeightMatrix matrix) {
        double[][] values = new double[matrix.in()][matrix.out()];
        for (int r = 0; r < matrix.in(); r++) {
            for (int c = 0; c < matrix.out(); c++) {
                values[r][c] = matrix.get(r, c);
            }
        }
        return values;
    }

    /**
     * Refits every constant-weight projection that produces a graph output to the teacher's output: a
     * classifier head or a language-model head, with an intercept where it has a bias and through the
     * origin where it has none. A head that shares its weight with another node (a language-model head
     * tied to the token embeddings) is left as it is, as is one whose fit would not fit in memory.
     */
    private OnnxModel refitHeads(OnnxModel student, OnnxModel teacher) {
        OnnxModel current = student;
        GraphView view = new GraphView(student.proto().getGraph());
        for (String output : student.outputNames()) {
            Projection head = TransformerDiscovery.projectionProducing(view, output);
            if (head == null) {
                continue;
            }
            if (view.consumers(head.weight()).size() > 1) {
                LOG.info("{}: output head '{}' shares its weight '{}' with other nodes (tied embeddings); it is not "
                        + "refit", student.name(), head.node(), head.weight());
                continue;
            }
            long cells = (head.inFeatures() + 1L) * head.outFeatures();
            if (cells > MAX_HEAD_CELLS) {
                LOG.info("{}: output head '{}' ({} x {}) is too large to refit in memory; it is not refit",
                        student.name(), head.node(), head.inFeatures(), head.outFeatures());
                continue;
            }
            List<FloatTensor[]> targets = collect(teacher, List.of(output));
            current = refit(current, view, head, null, targets, 0, "attention_mask");
            LOG.info("{}: refit output head '{}' to the teacher's output", student.name(), head.node());
        }
        return current;
    }

    /** Runs the model cut after the given tensors on every batch and keeps them. */
    private List<FloatTensor[]> collect(OnnxModel model, List<String> tensors) {
        List<FloatTensor[]> collected = new ArrayList<>();
        try (InferenceSession session = cut(model, tensors).newSession(options)) {
            for (Map<String, long[][]> batch : batches) {
                Map<String, FloatTensor> outputs = session.runWithDefaults(batch);
                FloatTensor[] row = new FloatTensor[tensors.size()];
                for (int i = 0; i < tensors.size(); i++) {
                    row[i] = outputs.get(tensors.get(i));
                }
                collected.add(row);
            }
        }
        return collected;
    }

    /**
     * The model with only these tensors as outputs, and only the nodes they need. A tensor named by
     * {@link Taps#sumOf} that the graph lacks is added to its fused skip norm as output 3, the
     * residual sum the node computes anyway, typed like the norm's scale.
     */
    private static OnnxModel cut(OnnxModel model, List<String> tensors) {
        GraphView view = new GraphView(model.proto().getGraph());
        GraphEditor editor = new GraphEditor(model.proto());
        Map<String, Integer> added = new java.util.LinkedHashMap<>();
        for (String tensor : tensors) {
            if (view.producer(tensor) != null || !tensor.endsWith(SUM_SUFFIX)) {
                continue;
            }
            String normalized = tensor.substring(0, tensor.length() - SUM_SUFFIX.length());
            if (view.producer(normalized) == null) {
                throw new UnsupportedModelException("model '" + model.name() + "' has no node that produces '"
                        + normalized + "'");
            }
            NodeProto norm = editor.producer(normalized);
            NodeProto.Builder withSum = norm.toBuilder();
            while (withSum.getOutputCount() < 4) {
                withSum.addOutput("");
            }
            editor.replace(norm, List.of(withSum.setOutput(3, tensor).build()));
            TensorProto scale = editor.initializer(norm.getInput(2));
            added.put(tensor, scale.getDataType());
        }
        editor.replaceOutputs(tensors.stream().filter(t -> !added.containsKey(t)).toList());
        added.forEach(editor::addOutput);
        editor.removeDeadCode();
        return model.derive(editor.build());
    }

    /** One flag per row of a tensor whose last dim is {@code width}: true where the mask marks a real token. */
    private static boolean[] mask(long[][] mask, FloatTensor x, int width) {
        int rows = x.data().length / width;
        boolean[] keep = new boolean[rows];
        if (mask == null || x.shape().length != 3 || mask.length * mask[0].length != rows) {
            java.util.Arrays.fill(keep, true);
            return keep;
        }
        int sequence = mask[0].length;
        for (int r = 0; r < rows; r++) {
            keep[r] = mask[r / sequence][r % sequence] != 0;
        }
        return keep;
    }

    private static void addRows(RidgeRegression fit, FloatTensor x, FloatTensor y, float[] base, boolean[] keep) {
        int in = x.data().length / keep.length;
        int out = y.data().length / keep.length;
        float[] target = new float[out];
        for (int r = 0; r < keep.length; r++) {
            if (!keep[r]) {
                continue;
            }
            for (int c = 0; c < out; c++) {
                target[c] = y.data()[r * out + c] - (base == null ? 0 : base[r * out + c]);
            }
            fit.add(x.data(), r * in, target, 0);
        }
    }

    /**
     * Checks that a teacher can teach the student: every input and output of the student is one of the
     * teacher's, with the same float type and fixed sizes. The teacher may have more: the key/value
     * caches of the layers removed from the student.
     */
    static void checkContract(OnnxModel student, OnnxModel teacher) {
        if (!teacher.inputNames().containsAll(student.inputNames())) {
            throw new IllegalArgumentException("teacher '" + teacher.name() + "' has inputs " + teacher.inputNames()
                    + ", but the student has " + student.inputNames());
        }
        if (!teacher.outputNames().containsAll(student.outputNames())) {
            throw new IllegalArgumentException("teacher '" + teacher.name() + "' has outputs "
                    + teacher.outputNames() + ", but the student has " + student.outputNames());
        }
        Map<String, ai.onnx.proto.OnnxMl.ValueInfoProto> teacherOutputs = new java.util.HashMap<>();
        teacher.proto().getGraph().getOutputList().forEach(o -> teacherOutputs.put(o.getName(), o));
        for (var output : student.proto().getGraph().getOutputList()) {
            var s = output.getType().getTensorType();
            var t = teacherOutputs.get(output.getName()).getType().getTensorType();
            if (s.getElemType() != t.getElemType()) {
                throw new IllegalArgumentException("output '" + output.getName() + "' is "
                        + TensorProto.DataType.forNumber(t.getElemType()) + " in the teacher but "
                        + TensorProto.DataType.forNumber(s.getElemType()) + " in the student");
            }
            if (s.hasShape() && t.hasShape()) {
                for (int d = 0; d < Math.min(s.getShape().getDimCount(), t.getShape().getDimCount()); d++) {
                    var sd = s.getShape().getDim(d);
                    var td = t.getShape().getDim(d);
                    if (sd.hasDimValue() && td.hasDimValue() && sd.getDimValue() != td.getDimValue()) {
                        throw new IllegalArgumentException("output '" + output.getName() + "' has size "
                                + td.getDimValue() + " in dimension " + d + " in the teacher but "
                                + sd.getDimValue() + " in the student");
                    }
                }
            }
        }
    }
}
