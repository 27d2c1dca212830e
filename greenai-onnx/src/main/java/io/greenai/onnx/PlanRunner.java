package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.greenai.core.CompressionPlan;
import io.greenai.core.CompressionStep;
import io.greenai.core.GreenAi;
import io.greenai.core.LayerSelection;
import io.greenai.core.QuantizationOptions;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.MatrixPruning;
import io.greenai.onnx.graph.LayerRemoval;
import io.greenai.onnx.graph.TransformerStack;
import java.util.LinkedHashMap;
import io.greenai.onnx.quant.ActivationRange;
import io.greenai.onnx.quant.Quantizer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link CompressionPlan} on an {@link OnnxModel}: plan → graph view → step → graph edit →
 * new model, with what was done written into the model's metadata.
 */
final class PlanRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);

    /** Metadata key: the plans applied to the model, oldest first, separated by " | ". */
    static final String PLAN_KEY = "greenai.plan";
    /** Metadata key: the GreenAI version that wrote the model. */
    static final String VERSION_KEY = "greenai.version";
    /** Metadata key: the indices, in the input model, of the layers removed. */
    static final String REMOVED_KEY = "greenai.removed_layers";
    /** Metadata key: the past inputs and present outputs that left the graph with the removed layers. */
    static final String REMOVED_CACHES_KEY = "greenai.removed_caches";
    /** Metadata key: per layer after removal, heads and neurons kept of the total, e.g. {@code 0:6/12h,768/1536n}. */
    static final String PRUNED_KEY = "greenai.pruned";

    private PlanRunner() {
    }

    static OnnxModel run(OnnxModel model, CompressionPlan plan) {
        rejectUnimplemented(plan);
        long start = System.nanoTime();
        Map<String, String> record = new LinkedHashMap<>();
        OnnxModel current = model;

        var removal = removalStack(model, plan);
        List<Integer> removed = layersToRemove(model, removal, plan);
        if (!removed.isEmpty()) {
            TransformerStack stack = removal;
            current = edit(current, editor -> LayerRemoval.remove(editor, stack, removed));
            String indices = removed.stream().map(String::valueOf).collect(Collectors.joining(","));
            record.put(REMOVED_KEY, stackNamed(plan) ? stack.name() + ":" + indices : indices);
            List<String> caches = LayerRemoval.removedCaches(stack, removed);
            if (!caches.isEmpty()) {
                record.put(REMOVED_CACHES_KEY, String.join(",", caches));
            }
            LOG.info("{}: removed layers {} of stack '{}' in {} ms", model.name(), removed, stack.name(),
                    millisSince(start));
        }

        var prune = plan.step(CompressionStep.PruneMatrices.class);
        if (prune.isPresent() && (prune.get().headRatio() > 0 || prune.get().ffnRatio() > 0)) {
            long pruneStart = System.nanoTime();
            OnnxModel input = current;
            List<TransformerStack> stacks = input.transformerStacks();
            List<String> summary = new java.util.ArrayList<>();
            GraphView view = new GraphView(input.proto().getGraph());
            Map<TransformerStack, List<MatrixPruning.LayerChoice>> chosen = new LinkedHashMap<>();
            for (TransformerStack stack : stacks) {
                chosen.put(stack, PruningImportance.choose(input, stack, prune.get().headRatio(),
                        prune.get().ffnRatio(), prune.get().importance(),
                        CalibrationBatches.of(input, plan, "activation-aware pruning")));
            }
            current = edit(input, editor -> chosen.forEach((stack, choices) -> MatrixPruning.prune(editor, view,
                    stack, choices)));
            chosen.forEach((stack, choices) -> choices.forEach(c -> summary.add((stacks.size() > 1
                    ? stack.name() + "." : "") + c.layer() + ":" + c.keptHeads().length + "/"
                    + stack.layers().get(c.layer()).headCount() + "h," + c.keptNeurons().length + "/"
                    + stack.layers().get(c.layer()).ffnUp().outFeatures() + "n")));
            record.put(PRUNED_KEY, String.join(";", summary));
            LOG.info("{}: pruned heads and neurons in {} ms", model.name(), millisSince(pruneStart));
        }

        var distill = plan.step(CompressionStep.DistillFrom.class);
        if (distill.isPresent()) {
            current = distill(model, current, distill.get(), removal.name(), removed, plan);
        }

        var quantize = plan.step(CompressionStep.Quantize.class);
        if (quantize.isPresent()) {
            long quantizeStart = System.nanoTime();
            current = current.derive(quantized(current, new GraphEditor(current.proto()), quantize.get(),
                    plan.calibrationTexts()).build());
            LOG.info("{}: quantized to {} in {} ms", model.name(), quantize.get().spec(), millisSince(quantizeStart));
        }

        OnnxModel compressed = current;
        OnnxModel result = edit(compressed, editor -> {
            String previous = editor.metadata(PLAN_KEY);
            editor.putMetadata(PLAN_KEY, previous == null ? plan.toString() : previous + " | " + plan);
            editor.putMetadata(VERSION_KEY, GreenAi.version());
            record.forEach(editor::putMetadata);
        });
        LOG.info("{}: plan '{}' done in {} ms: {} -> {} bytes, {} -> {} parameters", model.name(), plan,
                millisSince(start), model.sizeBytes(), result.sizeBytes(), model.parameterCount(),
                result.parameterCount());
        return result;
    }

    private static OnnxModel distill(OnnxModel original, OnnxModel student, CompressionStep.DistillFrom step,
            String removedFrom, List<Integer> removed, CompressionPlan plan) {
        OnnxModel teacher;
        if (step.teacher() == null) {
            teacher = original;
        } else if (step.teacher() instanceof OnnxModel onnx) {
            teacher = onnx;
        } else {
            throw new IllegalArgumentException("distillFrom needs an OnnxModel teacher, got "
                    + step.teacher().getClass().getName());
        }
        if (!plan.hasCalibration()) {
            throw new IllegalStateException("distillFrom needs calibration data: call calibrateWith(texts) or "
                    + "calibrateWithInputs(batches)");
        }
        Distillation.checkContract(student, teacher);
        List<TransformerStack> stacks = original.transformerStacks();
        List<Distillation.StackMapping> mappings = new java.util.ArrayList<>();
        for (TransformerStack stack : stacks) {
            int originalLayers = stack.layers().size();
            int teacherLayers = stacks.size() == 1 ? teacher.transformerStack().layers().size()
                    : teacher.transformerStack(stack.name()).layers().size();
            if (teacherLayers != originalLayers) {
                throw new IllegalArgumentException("teacher '" + teacher.name() + "' has " + teacherLayers
                        + " layers" + (stacks.size() == 1 ? "" : " in stack '" + stack.name() + "'")
                        + ", but the student was made from a " + originalLayers + "-layer model; distill from "
                        + "the model you compressed, or one with the same layer stack");
            }
            // The teacher/student mapping is per stack: only the stack layers were removed from shifts.
            List<Integer> gone = stack.name().equals(removedFrom) ? removed : List.of();
            int[] teacherLayerOf = java.util.stream.IntStream.range(0, originalLayers)
                    .filter(i -> !gone.contains(i)).toArray();
            // Each kept layer stands in for itself and the removed layers right after it.
            int[] teacherSpanEnd = new int[teacherLayerOf.length];
            for (int j = 0; j < teacherLayerOf.length; j++) {
                teacherSpanEnd[j] = j + 1 < teacherLayerOf.length ? teacherLayerOf[j + 1] - 1 : originalLayers - 1;
            }
            mappings.add(new Distillation.StackMapping(stack.name(), teacherLayerOf, teacherSpanEnd));
        }
        long start = System.nanoTime();
        OnnxModel result = Distillation.distill(student, teacher, mappings,
                CalibrationBatches.of(teacher, plan, "distillFrom"), step.options().ridge());
        LOG.info("{}: distilled from '{}' in {} ms", original.name(), teacher.name(), millisSince(start));
        return result;
    }

    /** Runs one edit on a copy of the model's graph and returns the edited model. */
    private static OnnxModel edit(OnnxModel model, java.util.function.Consumer<GraphEditor> change) {
        GraphEditor editor = new GraphEditor(model.proto());
        change.accept(editor);
        editor.removeDeadCode();
        return model.derive(editor.build());
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void rejectUnimplemented(CompressionPlan plan) {
        for (CompressionStep step : plan.steps()) {
            String missing = switch (step.stage()) {
                case REMOVE, PRUNE, DISTILL, QUANTIZE -> null;
            };
            if (missing != null) {
                throw new UnsupportedOperationException(missing + " is not implemented yet in this version of GreenAI ("
                        + GreenAi.version() + "); plan: " + plan);
            }
        }
    }

    /** The stack a plan removes layers from: the named one, or the main stack. */
    private static TransformerStack removalStack(OnnxModel model, CompressionPlan plan) {
        String name = plan.step(CompressionStep.RemoveLayersAt.class).map(CompressionStep.RemoveLayersAt::stack)
                .orElse(plan.step(CompressionStep.RemoveLayers.class).map(CompressionStep.RemoveLayers::stack)
                        .orElse(null));
        return name == null ? model.transformerStack() : model.transformerStack(name);
    }

    private static boolean stackNamed(CompressionPlan plan) {
        return plan.step(CompressionStep.RemoveLayersAt.class).map(s -> s.stack() != null).orElse(false)
                || plan.step(CompressionStep.RemoveLayers.class).map(s -> s.stack() != null).orElse(false);
    }

    /**
     * Quantizes the graph the earlier steps left, last of all: static INT8 measures its activation
     * ranges on that graph, not on the input model.
     */
    private static GraphEditor quantized(OnnxModel model, GraphEditor edited, CompressionStep.Quantize step,
            List<String> texts) {
        ModelProto before = edited.build();
        GraphView view = new GraphView(before.getGraph());
        Map<String, ActivationRange> ranges = Map.of();
        if (step.options().activations() == QuantizationOptions.Activations.STATIC) {
            ranges = ActivationCalibration.ranges(model.derive(before), Quantizer.calibrationTensors(view), texts);
        }
        GraphEditor editor = new GraphEditor(before);
        Quantizer.quantize(editor, view, model.name(), step, ranges);
        return editor;
    }

    private static List<Integer> layersToRemove(OnnxModel model, TransformerStack stack, CompressionPlan plan) {
        int layers = stack.layers().size();
        var exact = plan.step(CompressionStep.RemoveLayersAt.class);
        if (exact.isPresent()) {
            LOG.info("{}: removing layers {} of {} as asked", model.name(), exact.get().indices(), layers);
            return exact.get().indices();
        }
        var count = plan.step(CompressionStep.RemoveLayers.class);
        if (count.isEmpty() || count.get().count() == 0) {
            return List.of();
        }
        int n = count.get().count();
        List<Integer> chosen;
        if (!plan.hasCalibration()) {
            chosen = LayerSelection.defaultChoice(layers, n);
            LOG.info("{}: removing {} of {} layers, default choice without calibration data (kept layers spread "
                    + "evenly, first and last kept): {}", model.name(), n, layers, chosen);
        } else {
            double[] scores = LayerRedundancy.scores(model, stack,
                    CalibrationBatches.of(model, plan, "choosing layers by redundancy"));
            chosen = LayerSelection.mostRedundant(scores, n);
            LOG.info("{}: removing {} of {} layers, most redundant on the calibration data: {}", model.name(), n,
                    layers, chosen);
        }
        return chosen;
    }
}
