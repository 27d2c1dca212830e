package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: reference edits made by hand on a model proto, independently of the code under test,
 * to build oracles (e.g. the original graph with one norm rewired to skip some layers).
 */
final class HandEdits {

    private HandEdits() {
    }

    /** Makes every node that read {@code from} read {@code to} instead. */
    static ModelProto readInstead(ModelProto proto, String from, String to) {
        var graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            NodeProto.Builder edited = node.toBuilder();
            for (int j = 0; j < node.getInputCount(); j++) {
                if (node.getInput(j).equals(from)) {
                    edited.setInput(j, to);
                }
            }
            graph.setNode(i, edited);
        }
        return proto.toBuilder().setGraph(graph).build();
    }

    /**
     * Sets the inputs of the node named {@code node}: position i reads {@code inputs[i]}; {@code null}
     * keeps the input there; the list is cut after the last non-empty input.
     */
    static ModelProto setInputs(ModelProto proto, String node, String... inputs) {
        var graph = proto.getGraph().toBuilder();
        boolean found = false;
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto current = graph.getNode(i);
            if (!current.getName().equals(node)) {
                continue;
            }
            List<String> edited = new ArrayList<>(current.getInputList());
            for (int j = 0; j < inputs.length; j++) {
                while (edited.size() <= j) {
                    edited.add("");
                }
                if (inputs[j] != null) {
                    edited.set(j, inputs[j]);
                }
            }
            while (!edited.isEmpty() && edited.get(edited.size() - 1).isEmpty()) {
                edited.remove(edited.size() - 1);
            }
            graph.setNode(i, current.toBuilder().clearInput().addAllInput(edited));
            found = true;
        }
        if (!found) {
            throw new IllegalArgumentException("no node named " + node);
        }
        return proto.toBuilder().setGraph(graph).build();
    }

    /** Renames a tensor everywhere: graph inputs and outputs and the nodes that produce or read it. */
    static ModelProto rename(ModelProto proto, String from, String to) {
        var graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getInputCount(); i++) {
            if (graph.getInput(i).getName().equals(from)) {
                graph.setInput(i, graph.getInput(i).toBuilder().setName(to));
            }
        }
        for (int i = 0; i < graph.getOutputCount(); i++) {
            if (graph.getOutput(i).getName().equals(from)) {
                graph.setOutput(i, graph.getOutput(i).toBuilder().setName(to));
            }
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto.Builder node = graph.getNode(i).toBuilder();
            for (int j = 0; j < node.getInputCount(); j++) {
                if (node.getInput(j).equals(from)) {
                    node.setInput(j, to);
                }
            }
            for (int j = 0; j < node.getOutputCount(); j++) {
                if (node.getOutput(j).equals(from)) {
                    node.setOutput(j, to);
                }
            }
            graph.setNode(i, node);
        }
        return proto.toBuilder().setGraph(graph).build();
    }

    /** Adds an all-zero initializer (float32 or float16). */
    static ModelProto addZeros(ModelProto proto, String name, int dataType, long... dims) {
        long count = 1;
        for (long dim : dims) {
            count *= dim;
        }
        int size = dataType == TensorProto.DataType.FLOAT16_VALUE ? 2 : 4;
        TensorProto.Builder zeros = TensorProto.newBuilder().setName(name).setDataType(dataType)
                .setRawData(ByteString.copyFrom(new byte[(int) (count * size)]));
        for (long dim : dims) {
            zeros.addDims(dim);
        }
        return proto.toBuilder().setGraph(proto.getGraph().toBuilder().addInitializer(zeros)).build();
    }
}
