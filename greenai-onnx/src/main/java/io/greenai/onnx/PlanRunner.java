package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.greenai.core.CompressionPlan;
import io.greenai.core.CompressionStep;
import io.greenai.core.GreenAi;
import io.greenai.core.LayerSelection;
import io.greenai.core.QuantizationOptions;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.LayerRemoval;
import io.greenai.onnx.graph.TransformerStack;
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

    private PlanRunner() {
    }

    static OnnxModel run(OnnxModel model, CompressionPlan plan) {
        rejectUnimplemented(plan);
        long start = System.nanoTime();
        TransformerStack stack = model.transformerStack();
        GraphEditor editor = new GraphEditor(model.proto());
        List<Integer> removed = layersToRemove(model, stack, plan);
        if (!removed.isEmpty()) {
            LayerRemoval.remove(editor, stack, removed);
            editor.putMetadata(REMOVED_KEY, removed.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        var quantize = plan.step(CompressionStep.Quantize.class);
        if (quantize.isPresent()) {
            editor = quantized(model, editor, quantize.get(), plan.calibrationTexts());
        }
        String previous = editor.metadata(PLAN_KEY);
        editor.putMetadata(PLAN_KEY, previous == null ? plan.toString() : previous + " | " + plan);
        editor.putMetadata(VERSION_KEY, GreenAi.version());
        OnnxModel result = model.derive(editor.build());
        LOG.info("{}: plan '{}' done in {} ms: {} -> {} layers, {} -> {} bytes", model.name(), plan,
                (System.nanoTime() - start) / 1_000_000, stack.layers().size(),
                stack.layers().size() - removed.size(), model.sizeBytes(), result.sizeBytes());
        return result;
    }

    private static void rejectUnimplemented(CompressionPlan plan) {
        for (CompressionStep step : plan.steps()) {
            String missing = switch (step.stage()) {
                case REMOVE -> null;
                case PRUNE -> "pruneMatrices";
                case DISTILL -> "distillFrom";
                case QUANTIZE -> null;
            };
            if (missing != null) {
                throw new UnsupportedOperationException(missing + " is not implemented yet in this version of GreenAI ("
                        + GreenAi.version() + "); plan: " + plan);
            }
        }
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
        if (plan.calibrationTexts().isEmpty()) {
            chosen = LayerSelection.defaultChoice(layers, n);
            LOG.info("{}: removing {} of {} layers, default choice without calibration data (kept layers spread "
                    + "evenly, first and last kept): {}", model.name(), n, layers, chosen);
        } else {
            double[] scores = LayerRedundancy.scores(model, stack, plan.calibrationTexts());
            chosen = LayerSelection.mostRedundant(scores, n);
            LOG.info("{}: removing {} of {} layers, most redundant on {} calibration texts: {}", model.name(), n,
                    layers, plan.calibrationTexts().size(), chosen);
        }
        return chosen;
    }
}
