package io.greenai.onnx;

import io.greenai.onnx.graph.TransformerStack;
import io.greenai.onnx.runtime.FloatTensor;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how much each layer changes its input on calibration texts: the mean angular distance
 * {@code arccos(cos(h_in, h_out)) / pi} between a token's residual-stream vector before and after the
 * layer, over all real tokens (ShortGPT's block influence; Gromov et al. use the same distance). A
 * low score means a redundant layer.
 */
final class LayerRedundancy {

    private static final Logger LOG = LoggerFactory.getLogger(LayerRedundancy.class);

    private LayerRedundancy() {
    }

    static double[] scores(OnnxModel model, TransformerStack stack, List<Map<String, long[][]>> batches) {
        List<String> boundaries = stack.boundaries();
        int layers = stack.layers().size();
        double[] sums = new double[layers];
        long tokens = 0;
        long start = System.nanoTime();
        OnnxModel probe = model.exposeTensors(boundaries);
        try (InferenceSession session = probe.newSession(OrtOptions.defaults())) {
            for (int b = 0; b < batches.size(); b++) {
                Map<String, long[][]> inputs = batches.get(b);
                Map<String, FloatTensor> outputs = session.runWithDefaults(inputs);
                long[][] mask = inputs.get("attention_mask");
                for (int layer = 0; layer < layers; layer++) {
                    sums[layer] += angularDistanceSum(outputs.get(boundaries.get(layer)),
                            outputs.get(boundaries.get(layer + 1)), mask);
                }
                tokens += countTokens(mask, inputs.get("input_ids"));
                if (b % 8 == 7) {
                    LOG.info("layer redundancy: {}/{} batches", b + 1, batches.size());
                }
            }
        }
        double[] scores = new double[layers];
        StringBuilder table = new StringBuilder();
        for (int layer = 0; layer < layers; layer++) {
            scores[layer] = sums[layer] / Math.max(tokens, 1);
            table.append(String.format("%n  layer %2d  %.4f", layer, scores[layer]));
        }
        LOG.info("{}: layer redundancy scores (angular distance input→output, lower = more redundant) on {} batches, "
                + "{} tokens, {} ms:{}", model.name(), batches.size(), tokens, (System.nanoTime() - start) / 1_000_000,
                table);
        return scores;
    }

    private static double angularDistanceSum(FloatTensor in, FloatTensor out, long[][] mask) {
        int batch = (int) in.shape()[0];
        int sequence = (int) in.shape()[1];
        int width = (int) in.shape()[2];
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < sequence; s++) {
                if (mask != null && mask[b][s] == 0) {
                    continue;
                }
                int offset = (b * sequence + s) * width;
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int w = 0; w < width; w++) {
                    double x = in.data()[offset + w];
                    double y = out.data()[offset + w];
                    dot += x * y;
                    na += x * x;
                    nb += y * y;
                }
                double cos = na == 0 || nb == 0 ? 1 : dot / Math.sqrt(na * nb);
                sum += Math.acos(Math.max(-1, Math.min(1, cos))) / Math.PI;
            }
        }
        return sum;
    }

    private static long countTokens(long[][] mask, long[][] ids) {
        long count = 0;
        long[][] rows = mask != null ? mask : ids;
        for (long[] row : rows) {
            for (long value : row) {
                count += mask != null ? value : 1;
            }
        }
        return count;
    }
}
