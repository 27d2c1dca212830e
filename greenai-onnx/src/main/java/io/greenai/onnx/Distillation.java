package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.greenai.core.UnsupportedModelException;
import io.greenai.core.fit.RidgeRegression;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.graph.NormBoundary;
import io.greenai.onnx.graph.Projection;
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
 * One-shot, label-free distillation in closed form. Layer by layer from the bottom, each kept
 * student layer's attention output projection and feed-forward down projection (weights and biases)
 * are refit by ridge regression towards their current values:
 * <ul>
 * <li>{@code W_o} maps the student's attention context to the teacher's attention residual (at the
 * same layer) minus the student's skip input;
 * <li>{@code W_down} maps the student's feed-forward activations to the teacher's feed-forward
 * residual minus the student's skip, taken at the end of the span of removed layers that follows the
 * kept layer (at the layer itself when none follows). A post-norm layer also takes over the output
 * LayerNorm of the span's last layer, so its output stands in for the whole span.
 * </ul>
 * Because each layer is fit on the inputs that the already-refit layers below produce, the fit
 * absorbs what removed layers and pruned heads and neurons contributed. A classifier head that produces a graph output is refit to the
 * teacher's output last. Activations come from ONNX Runtime (intermediate tensors exposed as outputs,
 * graphs cut after them) and stream into Gram matrices, so memory stays bounded.
 */
final class Distillation {

    private static final Logger LOG = LoggerFactory.getLogger(Distillation.class);
    private final List<Map<String, long[][]>> batches;
    /** Ridge penalty relative to the mean diagonal of X'X, pulling the weights towards their current values. */
    private final double ridge;
    private final OrtOptions options = OrtOptions.defaults();

    private Distillation(List<Map<String, long[][]>> batches, double ridge) {
        this.batches = batches;
        this.ridge = ridge;
    }

    /**
     * Refits a student to its teacher.
     *
     * @param student the compressed model
     * @param teacher the teacher
     * @param teacherLayerOf for each student layer, the index of the teacher layer at the same place
     * @param teacherSpanEnd for each student layer, the last teacher layer it stands in for
     * @param batches calibration inputs
     * @param ridge the relative ridge penalty of each refit
     * @return the refit student
     */
    static OnnxModel distill(OnnxModel student, OnnxModel teacher, int[] teacherLayerOf, int[] teacherSpanEnd,
            List<Map<String, long[][]>> batches, double ridge) {
        return new Distillation(batches, ridge).run(student, teacher, teacherLayerOf, teacherSpanEnd);
    }

    private OnnxModel run(OnnxModel student, OnnxModel teacher, int[] teacherLayerOf, int[] teacherSpanEnd) {
        long start = System.nanoTime();
        TransformerStack studentStack = student.transformerStack();
        TransformerStack teacherStack = teacher.transformerStack();
        GraphView studentGraph = new GraphView(student.proto().getGraph());
        GraphView teacherGraph = new GraphView(teacher.proto().getGraph());
        OnnxModel current = student;
        for (int j = 0; j < studentStack.layers().size(); j++) {
            long layerStart = System.nanoTime();
            LayerBlock layer = studentStack.layers().get(j);
            Taps taps = Taps.of(studentGraph, layer);
            Taps same = Taps.of(teacherGraph, teacherStack.layers().get(teacherLayerOf[j]));
            Taps end = Taps.of(teacherGraph, teacherStack.layers().get(teacherSpanEnd[j]));
            List<FloatTensor[]> targets = collect(teacher, List.of(same.attentionResidual(), end.ffnResidual()));
            if (teacherSpanEnd[j] != teacherLayerOf[j] && taps.normScale() != null) {
                current = copyNorm(current, teacherGraph, taps, end);
            }
            current = refit(current, layer.attentionOutput(), taps.attentionSkip(), targets, 0);
            current = refit(current, layer.ffnDown(), taps.ffnSkip(), targets, 1);
            LOG.info("{}: distilled layer {} (teacher layers {}..{}) in {} ms", student.name(), j, teacherLayerOf[j],
                    teacherSpanEnd[j], (System.nanoTime() - layerStart) / 1_000_000);
        }
        current = refitHeads(current, teacher);
        LOG.info("{}: distillation of {} layers on {} calibration batches took {} ms", student.name(),
                studentStack.layers().size(), batches.size(), (System.nanoTime() - start) / 1_000_000);
        return current;
    }

    /**
     * Refits one projection so that {@code projection(input) + skip} matches the teacher's tensor
     * {@code targets[b][which]} (or the projection alone when {@code skip} is null).
     */
    private OnnxModel refit(OnnxModel model, Projection projection, String skip, List<FloatTensor[]> targets,
            int which) {
        List<String> wanted = skip == null ? List.of(projection.input()) : List.of(projection.input(), skip);
        RidgeRegression fit = new RidgeRegression(projection.inFeatures(), projection.outFeatures(), ridge);
        OnnxModel probe = cut(model, wanted);
        try (InferenceSession session = probe.newSession(options)) {
            for (int b = 0; b < batches.size(); b++) {
                Map<String, FloatTensor> outputs = session.runWithDefaults(batches.get(b));
                FloatTensor x = outputs.get(projection.input());
                FloatTensor base = skip == null ? null : outputs.get(skip);
                FloatTensor y = targets.get(b)[which];
                addRows(fit, x, y, base, mask(batches.get(b), x, projection.inFeatures()));
            }
        }
        if (projection.bias() == null) {
            throw new UnsupportedModelException("projection '" + projection.node()
                    + "' has no bias to refit; distillation needs a bias on the projections it refits");
        }
        GraphEditor editor = new GraphEditor(model.proto());
        RidgeRegression.Solution solution = fit.solve(toDoubles(WeightMatrix.of(editor.initializer(projection.weight()),
                projection.transposed())));
        editor.replaceInitializer(WeightMatrix.fromInOut(projection.weight(), solution.weights(),
                projection.transposed()));
        editor.replaceInitializer(WeightMatrix.vector(projection.bias(), solution.intercept()));
        return model.derive(editor.build());
    }

    /** Gives the student layer's output LayerNorm the scale and shift of the teacher layer it now ends. */
    private static OnnxModel copyNorm(OnnxModel student, GraphView teacherGraph, Taps layer, Taps end) {
        if (end.normScale() == null) {
            return student;
        }
        GraphEditor editor = new GraphEditor(student.proto());
        editor.replaceInitializer(teacherInitializer(teacherGraph, end.normScale()).toBuilder()
                .setName(layer.normScale()).build());
        if (layer.normBias() != null && end.normBias() != null) {
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

    /**
     * The tensors distillation reads around one layer of plain operators: both residual sums and the
     * skip inputs they add, and a post-norm layer's output LayerNorm scale and shift (null otherwise).
     */
    private record Taps(String attentionSkip, String attentionResidual, String ffnSkip, String ffnResidual,
            String normScale, String normBias) {

        private static final java.util.Set<String> SHAPE_ONLY = java.util.Set.of("Reshape", "Squeeze", "Unsqueeze",
                "Identity");

        static Taps of(GraphView graph, LayerBlock layer) {
            String where = "layer " + layer.index();
            NormBoundary fused = layer.fusedStart() != null ? layer.fusedStart() : layer.fusedEnd();
            if (fused != null) {
                NodeProto node = graph.producer(fused.normalized());
                throw new UnsupportedModelException(where + ": distillation refits layers of plain operators, and node "
                        + (node == null ? "'" + fused.normalized() + "'" : GraphView.describe(node))
                        + " fuses the residual Add with its norm, so the residual sum it would fit to is not a "
                        + "tensor of the graph");
            }
            if (layer.crossAttention() != null) {
                throw new UnsupportedModelException(where + ": distillation refits layers of plain operators without "
                        + "cross-attention; this layer cross-attends through node '" + layer.crossAttention().anchor()
                        + "'");
            }
            NodeProto attention = residualAdd(graph, layer.attentionOutput().output(), where);
            NodeProto ffn = residualAdd(graph, layer.ffnDown().output(), where);
            String scale = null;
            String bias = null;
            if (layer.norm() == io.greenai.core.NormPlacement.POST) {
                NodeProto last = graph.producer(layer.output());
                if (last != null && last.getOpType().equals("LayerNormalization")) {
                    scale = last.getInput(1);
                    bias = last.getInputCount() > 2 && !last.getInput(2).isEmpty() ? last.getInput(2) : null;
                } else if (last != null && last.getOpType().equals("Add")) {
                    bias = constantOf(graph, last);
                    NodeProto mul = graph.producer(nonConstantOf(graph, last));
                    scale = mul != null && mul.getOpType().equals("Mul") ? constantOf(graph, mul) : null;
                }
            }
            return new Taps(skipOf(graph, attention, layer.attentionOutput().output()), attention.getOutput(0),
                    skipOf(graph, ffn, layer.ffnDown().output()), ffn.getOutput(0), scale, bias);
        }

        /**
         * The residual Add that reads a projection's output, directly or through the Reshapes that
         * exporters put between a 2-D Gemm and the 3-D residual stream (GPT-2's Conv1D); the tensor
         * it reads is then the projection's output in another shape, with the same values in the
         * same order.
         */
        private static NodeProto residualAdd(GraphView graph, String tensor, String where) {
            String current = tensor;
            for (int hops = 0; hops < 3; hops++) {
                List<NodeProto> users = graph.consumers(current);
                for (NodeProto user : users) {
                    if (user.getOpType().equals("Add") && user.getInputCount() == 2
                            && !graph.isConstant(otherInput(user, current))) {
                        return user;
                    }
                }
                if (users.size() != 1 || !SHAPE_ONLY.contains(users.get(0).getOpType())) {
                    break;
                }
                current = users.get(0).getOutput(0);
            }
            throw new UnsupportedModelException(where + ": no residual Add reads '" + tensor + "'");
        }

        /** The residual-stream tensor a residual Add adds to the (possibly reshaped) projection output. */
        private static String skipOf(GraphView graph, NodeProto add, String projectionOutput) {
            String current = projectionOutput;
            while (!add.getInput(0).equals(current) && !add.getInput(1).equals(current)) {
                current = graph.consumers(current).get(0).getOutput(0);
            }
            return otherInput(add, current);
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

    /** Refits every constant-weight projection that produces a graph output to the teacher's output. */
    private OnnxModel refitHeads(OnnxModel student, OnnxModel teacher) {
        OnnxModel current = student;
        GraphView view = new GraphView(student.proto().getGraph());
        for (String output : student.outputNames()) {
            Projection head = TransformerDiscovery.projectionProducing(view, output);
            if (head == null || head.bias() == null) {
                continue;
            }
            List<FloatTensor[]> targets = collect(teacher, List.of(output));
            current = refit(current, head, null, targets, 0);
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

    /** The model with only these tensors as outputs, and only the nodes they need. */
    private static OnnxModel cut(OnnxModel model, List<String> tensors) {
        GraphEditor editor = new GraphEditor(model.proto());
        editor.replaceOutputs(tensors);
        editor.removeDeadCode();
        return model.derive(editor.build());
    }

    /** One flag per row of a tensor whose last dim is {@code width}: true where the token is real. */
    private static boolean[] mask(Map<String, long[][]> batch, FloatTensor x, int width) {
        int rows = x.data().length / width;
        boolean[] keep = new boolean[rows];
        long[][] mask = batch.get("attention_mask");
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

    private static void addRows(RidgeRegression fit, FloatTensor x, FloatTensor y, FloatTensor base,
            boolean[] keep) {
        int in = x.data().length / keep.length;
        int out = y.data().length / keep.length;
        float[] target = new float[out];
        for (int r = 0; r < keep.length; r++) {
            if (!keep[r]) {
                continue;
            }
            for (int c = 0; c < out; c++) {
                target[c] = y.data()[r * out + c] - (base == null ? 0 : base.data()[r * out + c]);
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
