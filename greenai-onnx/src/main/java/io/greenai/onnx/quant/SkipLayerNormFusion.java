package io.greenai.onnx.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import java.util.List;
import java.util.Set;

/**
 * Replaces each residual {@code Add} followed by a decomposed LayerNorm by one
 * {@code com.microsoft.SkipLayerNormalization}, which adds and normalizes in one pass over the
 * activations, in float32. Only residual Adds of a matrix product's output and another tensor of the
 * same shape qualify (the BERT layer's attention and feed-forward outputs), and only when the sum
 * feeds nothing but the LayerNorm (post-norm layers).
 */
final class SkipLayerNormFusion {

    private SkipLayerNormFusion() {
    }

    /**
     * Fuses every qualifying Add and LayerNorm of the original graph; the replaced nodes go.
     *
     * @param products the outputs of the graph's constant-weight products (residual-branch ends)
     * @return how many were fused
     */
    static int apply(GraphEditor editor, GraphView view, Set<String> products) {
        int fused = 0;
        for (LayerNorm norm : LayerNorm.find(view)) {
            NodeProto add = view.producer(norm.input());
            if (!norm.fusable() || add == null || !add.getOpType().equals("Add") || add.getInputCount() != 2
                    || view.isGraphOutput(norm.input()) || view.consumers(norm.input()).size() != 2
                    || !(products.contains(add.getInput(0)) || products.contains(add.getInput(1)))) {
                continue;
            }
            editor.requireOpset(Quantizer.MS_DOMAIN, 1);
            NodeProto skip = Initializers.node("SkipLayerNormalization", Quantizer.MS_DOMAIN,
                    editor.uniqueName("greenai/skip_layer_norm/" + add.getName()),
                    List.of(add.getInput(0), add.getInput(1), norm.scale(), norm.shift()), List.of(norm.output()),
                    AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                            .setF(norm.epsilon()).build());
            editor.remove(add);
            List<NodeProto> nodes = norm.nodes();
            for (int i = 0; i < nodes.size() - 1; i++) {
                editor.remove(nodes.get(i));
            }
            editor.replace(nodes.get(nodes.size() - 1), List.of(skip));
            fused++;
        }
        return fused;
    }
}
