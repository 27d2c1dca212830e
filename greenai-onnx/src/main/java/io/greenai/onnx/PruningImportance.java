package io.greenai.onnx;

import io.greenai.core.PruneOptions;
import io.greenai.onnx.graph.LayerBlock;
import io.greenai.onnx.graph.MatrixPruning;
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
 * Ranks attention heads and feed-forward neurons for structured pruning and chooses what each layer
 * keeps (see {@link PruneOptions.Importance} for the criteria).
 */
final class PruningImportance {

    private static final Logger LOG = LoggerFactory.getLogger(PruningImportance.class);

    private PruningImportance() {
    }

    static List<MatrixPruning.LayerChoice> choose(OnnxModel model, TransformerStack stack, double headRatio,
            double ffnRatio, PruneOptions.Importance importance, List<Map<String, long[][]>> batches) {
        boolean activation = switch (importance) {
            case AUTO -> !batches.isEmpty();
            case MAGNITUDE -> false;
            case ACTIVATION -> {
                if (batches.isEmpty()) {
                    throw new IllegalStateException("activation-aware pruning needs calibration texts: call "
                            + "calibrateWith(texts), or choose PruneOptions.Importance.MAGNITUDE");
                }
                yield true;
            }
        };
        double[][] inputNorms = activation ? activationNorms(model, stack, batches) : null;
        List<MatrixPruning.LayerChoice> choices = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (LayerBlock layer : stack.layers()) {
            int i = layer.index();
            WeightMatrix value = weight(model, layer.value().weight(), layer.value().transposed());
            WeightMatrix output = weight(model, layer.attentionOutput().weight(), layer.attentionOutput().transposed());
            WeightMatrix up = weight(model, layer.ffnUp().weight(), layer.ffnUp().transposed());
            WeightMatrix gate = layer.ffnGate() == null ? null
                    : weight(model, layer.ffnGate().weight(), layer.ffnGate().transposed());
            WeightMatrix down = weight(model, layer.ffnDown().weight(), layer.ffnDown().transposed());
            int size = layer.headSize();
            int groupSize = layer.attention().groupSize();
            int valueOffset = layer.value().offset();
            // Heads go in whole groups (one key/value head and the query heads that share it); a group
            // scores the sum of its query heads' scores.
            double[] groupScores = new double[layer.kvHeadCount()];
            for (int h = 0; h < layer.headCount(); h++) {
                int group = h / groupSize;
                if (activation) {
                    for (int f = h * size; f < (h + 1) * size; f++) {
                        groupScores[group] += inputNorms[2 * i][f] * rowL1(output, f);
                    }
                } else {
                    groupScores[group] += Math.sqrt(columnsSquares(value, valueOffset + group * size, size))
                            * Math.sqrt(rowsSquares(output, h * size, size));
                }
            }
            double[] neuronScores = new double[layer.ffnUp().outFeatures()];
            int upOffset = layer.ffnUp().offset();
            for (int n = 0; n < neuronScores.length; n++) {
                double in = columnsSquares(up, upOffset + n, 1)
                        + (gate == null ? 0 : columnsSquares(gate, layer.ffnGate().offset() + n, 1));
                neuronScores[n] = activation
                        ? inputNorms[2 * i + 1][n] * rowL1(down, n)
                        : Math.sqrt(in) * Math.sqrt(rowsSquares(down, n, 1));
            }
            int[] groups = MatrixPruning.keepHighest(groupScores, (int) Math.round(headRatio * groupScores.length));
            int[] heads = java.util.Arrays.stream(groups)
                    .flatMap(g -> java.util.stream.IntStream.range(g * groupSize, (g + 1) * groupSize)).toArray();
            int[] neurons = MatrixPruning.keepHighest(neuronScores, (int) Math.round(ffnRatio * neuronScores.length));
            choices.add(new MatrixPruning.LayerChoice(i, heads, neurons));
            table.append(String.format("%n  %s layer %2d  heads %2d -> %2d  neurons %5d -> %5d", stack.name(), i,
                    layer.headCount(), heads.length, neuronScores.length, neurons.length));
        }
        LOG.info("{}: pruning by {} importance{}", model.name(), activation ? "activation-aware (Wanda)" : "weight-magnitude",
                table);
        return choices;
    }

    /**
     * For each layer, the L2 norm over calibration tokens of every input feature of the attention
     * output projection (row 2i) and of the feed-forward down projection (row 2i+1).
     */
    private static double[][] activationNorms(OnnxModel model, TransformerStack stack,
            List<Map<String, long[][]>> batches) {
        List<String> tensors = new ArrayList<>();
        for (LayerBlock layer : stack.layers()) {
            tensors.add(layer.attentionOutput().input());
            tensors.add(layer.ffnDown().input());
        }
        double[][] squares = new double[tensors.size()][];
        long start = System.nanoTime();
        OnnxModel probe = model.exposeTensors(tensors);
        try (InferenceSession session = probe.newSession(OrtOptions.defaults())) {
            for (Map<String, long[][]> inputs : batches) {
                Map<String, FloatTensor> outputs = session.runWithDefaults(inputs);
                long[][] mask = inputs.get("attention_mask");
                for (int t = 0; t < tensors.size(); t++) {
                    FloatTensor activation = outputs.get(tensors.get(t));
                    int width = (int) activation.shape()[activation.shape().length - 1];
                    if (squares[t] == null) {
                        squares[t] = new double[width];
                    }
                    accumulate(activation, mask, squares[t]);
                }
            }
        }
        for (double[] row : squares) {
            for (int i = 0; i < row.length; i++) {
                row[i] = Math.sqrt(row[i]);
            }
        }
        LOG.info("{}: activation norms on {} calibration batches in {} ms", model.name(), batches.size(),
                (System.nanoTime() - start) / 1_000_000);
        return squares;
    }

    private static void accumulate(FloatTensor activation, long[][] mask, double[] squares) {
        int width = squares.length;
        int batch = (int) activation.shape()[0];
        int sequence = activation.data().length / (batch * width);
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < sequence; s++) {
                if (mask != null && mask[b][s] == 0) {
                    continue;
                }
                int offset = (b * sequence + s) * width;
                for (int w = 0; w < width; w++) {
                    double x = activation.data()[offset + w];
                    squares[w] += x * x;
                }
            }
        }
    }

    private static WeightMatrix weight(OnnxModel model, String name, boolean transposed) {
        return WeightMatrix.of(model.proto().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no initializer '" + name + "'")), transposed);
    }

    private static double rowL1(WeightMatrix matrix, int row) {
        double sum = 0;
        for (int c = 0; c < matrix.out(); c++) {
            sum += Math.abs(matrix.get(row, c));
        }
        return sum;
    }

    private static double rowsSquares(WeightMatrix matrix, int from, int count) {
        double sum = 0;
        for (int r = from; r < from + count; r++) {
            for (int c = 0; c < matrix.out(); c++) {
                double w = matrix.get(r, c);
                sum += w * w;
            }
        }
        return sum;
    }

    private static double columnsSquares(WeightMatrix matrix, int from, int count) {
        double sum = 0;
        for (int r = 0; r < matrix.in(); r++) {
            for (int c = from; c < from + count; c++) {
                double w = matrix.get(r, c);
                sum += w * w;
            }
        }
        return sum;
    }
}
