package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only index over an ONNX graph: which node produces and which nodes consume each tensor,
 * and which tensors are constants. Built once per graph; the graph must not change while in use.
 */
public final class GraphView {

    private final GraphProto graph;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<NodeProto, Integer> positions = new IdentityHashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Set<String> inputs = new HashSet<>();
    private final Set<String> outputs = new HashSet<>();

    /**
     * Indexes a graph.
     *
     * @param graph the graph
     */
    public GraphView(GraphProto graph) {
        this.graph = graph;
        for (TensorProto initializer : graph.getInitializerList()) {
            initializers.put(initializer.getName(), initializer);
        }
        for (ValueInfoProto input : graph.getInputList()) {
            inputs.add(input.getName());
        }
        for (ValueInfoProto output : graph.getOutputList()) {
            outputs.add(output.getName());
        }
        List<NodeProto> nodes = graph.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            positions.put(node, i);
            for (String output : node.getOutputList()) {
                if (!output.isEmpty()) {
                    producers.put(output, node);
                }
            }
            for (String input : node.getInputList()) {
                if (!input.isEmpty()) {
                    consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
                }
            }
        }
    }

    /**
     * Returns the graph this view indexes.
     *
     * @return the graph
     */
    public GraphProto graph() {
        return graph;
    }

    /**
     * Returns the nodes in graph order.
     *
     * @return the nodes
     */
    public List<NodeProto> nodes() {
        return graph.getNodeList();
    }

    /**
     * Returns the node that produces a tensor.
     *
     * @param tensor a tensor name
     * @return the producing node, or null for graph inputs, initializers and unknown names
     */
    public NodeProto producer(String tensor) {
        return producers.get(tensor);
    }

    /**
     * Returns the nodes that read a tensor, in graph order.
     *
     * @param tensor a tensor name
     * @return the consuming nodes (empty if none)
     */
    public List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /**
     * Returns the position of a node of this graph.
     *
     * @param node a node obtained from this view
     * @return its index in the graph's node list
     */
    public int position(NodeProto node) {
        Integer position = positions.get(node);
        if (position == null) {
            throw new IllegalArgumentException("node '" + node.getName() + "' is not in this graph");
        }
        return position;
    }

    /**
     * Returns an initializer by name.
     *
     * @param name the tensor name
     * @return the initializer, or null if there is none of that name
     */
    public TensorProto initializer(String name) {
        return initializers.get(name);
    }

    /**
     * Tells whether a tensor is a graph input.
     *
     * @param name the tensor name
     * @return true for a graph input that is not also an initializer
     */
    public boolean isGraphInput(String name) {
        return inputs.contains(name) && !initializers.containsKey(name);
    }

    /**
     * Tells whether a tensor is a graph output.
     *
     * @param name the tensor name
     * @return true for a graph output
     */
    public boolean isGraphOutput(String name) {
        return outputs.contains(name);
    }

    /**
     * Tells whether a tensor is known to be produced: by a node, an initializer or a graph input.
     *
     * @param name the tensor name
     * @return true if the graph defines the tensor
     */
    public boolean isDefined(String name) {
        return producers.containsKey(name) || initializers.containsKey(name) || inputs.contains(name);
    }

    /**
     * Returns the value of a constant tensor: an initializer that is not a graph input, or the output of
     * a {@code Constant} node with a tensor value.
     *
     * @param name the tensor name
     * @return the value, or empty if the tensor is not such a constant
     */
    public Optional<TensorProto> constant(String name) {
        TensorProto initializer = initializers.get(name);
        if (initializer != null) {
            return inputs.contains(name) ? Optional.empty() : Optional.of(initializer);
        }
        NodeProto producer = producers.get(name);
        if (producer != null && producer.getOpType().equals("Constant")) {
            for (AttributeProto attribute : producer.getAttributeList()) {
                if (attribute.getName().equals("value") && attribute.hasT()) {
                    return Optional.of(attribute.getT());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether a tensor is a constant (see {@link #constant(String)}).
     *
     * @param name the tensor name
     * @return true for a constant
     */
    public boolean isConstant(String name) {
        return constant(name).isPresent();
    }

    /**
     * Reads the integer values of a shape-like tensor, folding the usual exporter patterns:
     * constants, {@code Unsqueeze} and {@code Cast} of constants, and {@code Concat} of such parts.
     * A part that depends on the input (e.g. the batch size) becomes {@link Long#MIN_VALUE}.
     *
     * @param name the tensor name
     * @return the values, or empty if the tensor cannot be read this way
     */
    public Optional<long[]> integerValues(String name) {
        Optional<TensorProto> constant = constant(name);
        if (constant.isPresent()) {
            TensorProto tensor = constant.get();
            int type = tensor.getDataType();
            if (type == TensorProto.DataType.INT64_VALUE || type == TensorProto.DataType.INT32_VALUE) {
                return Optional.of(Tensors.toLongs(tensor));
            }
            return Optional.empty();
        }
        NodeProto producer = producers.get(name);
        if (producer == null) {
            return Optional.empty();
        }
        switch (producer.getOpType()) {
            case "Unsqueeze", "Cast", "Squeeze", "Identity" -> {
                Optional<long[]> inner = integerValues(producer.getInput(0));
                // An unsqueezed scalar computed from the input is one unknown value.
                return inner.isPresent() ? inner : Optional.of(new long[] {Long.MIN_VALUE});
            }
            case "Concat" -> {
                List<Long> values = new ArrayList<>();
                for (String part : producer.getInputList()) {
                    long[] partValues = integerValues(part).orElse(new long[] {Long.MIN_VALUE});
                    for (long value : partValues) {
                        values.add(value);
                    }
                }
                return Optional.of(values.stream().mapToLong(Long::longValue).toArray());
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /**
     * Reads a float32 scalar constant.
     *
     * @param name the tensor name
     * @return the value, or empty if the tensor is not a single-element float32 constant
     */
    public Optional<Float> floatScalar(String name) {
        return constant(name)
                .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE && Tensors.elementCount(t) == 1)
                .map(t -> Tensors.toFloats(t)[0]);
    }

    /**
     * Returns a node's integer attribute.
     *
     * @param node the node
     * @param name the attribute name
     * @param fallback the value when the attribute is absent
     * @return the attribute's value
     */
    public static long intAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute.getI();
            }
        }
        return fallback;
    }

    /**
     * Returns a node's attribute.
     *
     * @param node the node
     * @param name the attribute name
     * @return the attribute, or empty if the node has none of that name
     */
    public static Optional<AttributeProto> attribute(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    /**
     * Returns a node's input, treating a missing trailing optional input like an empty one.
     *
     * @param node the node
     * @param index the input position
     * @return the tensor name, or {@code ""} if the input is absent
     */
    public static String input(NodeProto node, int index) {
        return index < node.getInputCount() ? node.getInput(index) : "";
    }

    /**
     * Returns a node's output, treating a missing trailing optional output like an empty one.
     *
     * @param node the node
     * @param index the output position
     * @return the tensor name, or {@code ""} if the output is absent
     */
    public static String output(NodeProto node, int index) {
        return index < node.getOutputCount() ? node.getOutput(index) : "";
    }

    /**
     * Returns the declared type of a graph input or output.
     *
     * @param name the tensor name
     * @return its value info, or empty if it is neither a graph input nor a graph output
     */
    public Optional<ValueInfoProto> graphValue(String name) {
        for (ValueInfoProto input : graph.getInputList()) {
            if (input.getName().equals(name)) {
                return Optional.of(input);
            }
        }
        for (ValueInfoProto output : graph.getOutputList()) {
            if (output.getName().equals(name)) {
                return Optional.of(output);
            }
        }
        return Optional.empty();
    }

    /**
     * Describes a node for error messages: {@code 'name' (OpType)}.
     *
     * @param node the node
     * @return a short description
     */
    public static String describe(NodeProto node) {
        String name = node.getName().isEmpty() ? "<unnamed, output " + node.getOutput(0) + ">" : node.getName();
        return "'" + name + "' (" + node.getOpType() + ")";
    }
}
