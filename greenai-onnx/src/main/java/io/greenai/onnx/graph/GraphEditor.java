package io.greenai.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one owner of a graph under edit. Works on a copy: the {@link ModelProto} it was made from is
 * never changed. Edits go through its methods, which keep names unique; {@link #build()} returns
 * the edited model.
 */
public final class GraphEditor {

    private final ModelProto original;
    private final List<NodeProto> nodes;
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final List<ValueInfoProto> outputs;
    private final List<ValueInfoProto> inputs;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private boolean forgetShapes;
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private boolean keepValueInfo = true;

    /**
     * Starts editing a copy of a model's main graph.
     *
     * @param model the model; it is not changed
     */
    public GraphEditor(ModelProto model) {
        this.original = model;
        GraphProto graph = model.getGraph();
        this.nodes = new ArrayList<>(graph.getNodeList());
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        this.outputs = new ArrayList<>(graph.getOutputList());
        this.inputs = new ArrayList<>(graph.getInputList());
        model.getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        for (NodeProto node : nodes) {
            usedNames.add(node.getName());
            usedNames.addAll(node.getOutputList());
        }
        usedNames.addAll(initializers.keySet());
        graph.getInputList().forEach(i -> usedNames.add(i.getName()));
        model.getOpsetImportList().forEach(o -> opsets.put(o.getDomain().equals("ai.onnx") ? "" : o.getDomain(),
                o.getVersion()));
    }

    /**
     * Returns a name not yet used for a node or tensor, based on {@code base}, and reserves it.
     *
     * @param base the preferred name
     * @return {@code base}, or {@code base_1}, {@code base_2} … if taken
     */
    public String uniqueName(String base) {
        String name = base;
        for (int i = 1; usedNames.contains(name); i++) {
            name = base + "_" + i;
        }
        usedNames.add(name);
        return name;
    }

    /**
     * Replaces the node that produces {@code tensor} by {@code Identity(source) -> tensor}: from then
     * on the tensor carries {@code source}'s value, and whatever only fed the old node becomes dead.
     *
     * @param tensor a tensor produced by a node
     * @param source the tensor whose value it carries from now on
     * @throws IllegalArgumentException if no node produces {@code tensor}
     */
    public void bypass(String tensor, String source) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getOutputList().contains(tensor)) {
                NodeProto identity = NodeProto.newBuilder()
                        .setOpType("Identity")
                        .setName(uniqueName("greenai/bypass/" + tensor))
                        .addInput(source)
                        .addOutput(tensor)
                        .build();
                nodes.set(i, identity);
                return;
            }
        }
        throw new IllegalArgumentException("no node produces tensor '" + tensor + "'");
    }

    /**
     * Replaces the one node that produces all of the given tensors by {@code Identity} nodes, one per
     * tensor: from then on each tensor carries the value of its source, and the node's other outputs
     * are no longer produced.
     *
     * @param tensorToSource for each output of the node to keep, the tensor whose value it carries
     * @throws IllegalArgumentException if the map is empty or the tensors are not all outputs of one node
     */
    public void bypass(Map<String, String> tensorToSource) {
        if (tensorToSource.isEmpty()) {
            throw new IllegalArgumentException("nothing to bypass");
        }
        int position = indexOf(tensorToSource.keySet().iterator().next());
        NodeProto node = nodes.get(position);
        if (!node.getOutputList().containsAll(tensorToSource.keySet())) {
            throw new IllegalArgumentException("tensors " + tensorToSource.keySet() + " are not all outputs of node "
                    + GraphView.describe(node));
        }
        List<NodeProto> identities = new ArrayList<>();
        tensorToSource.forEach((tensor, source) -> identities.add(NodeProto.newBuilder()
                .setOpType("Identity")
                .setName(uniqueName("greenai/bypass/" + tensor))
                .addInput(source)
                .addOutput(tensor)
                .build()));
        nodes.remove(position);
        nodes.addAll(position, identities);
    }

    /**
     * Returns the node under edit that produces a tensor, as it stands now.
     *
     * @param tensor one of the node's outputs
     * @return the node
     * @throws IllegalArgumentException if no node produces the tensor
     */
    public NodeProto producer(String tensor) {
        return nodes.get(indexOf(tensor));
    }

    /**
     * Returns the nodes under edit that read a tensor, as they stand now.
     *
     * @param tensor a tensor name
     * @return the reading nodes, in graph order (empty if none)
     */
    public List<NodeProto> readers(String tensor) {
        return nodes.stream().filter(n -> readsOf(n).contains(tensor)).toList();
    }

    /**
     * Makes every node input that reads {@code from} read {@code to} instead. Graph outputs are not
     * renamed.
     *
     * @param from the tensor read now
     * @param to the tensor to read instead
     */
    public void replaceReads(String from, String to) {
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            if (node.getInputList().contains(from)) {
                NodeProto.Builder builder = node.toBuilder();
                for (int j = 0; j < builder.getInputCount(); j++) {
                    if (builder.getInput(j).equals(from)) {
                        builder.setInput(j, to);
                    }
                }
                nodes.set(i, builder.build());
            }
        }
    }

    /**
     * Sets an attribute of the node that produces {@code nodeOutput}, replacing one of the same name.
     *
     * @param nodeOutput one of the node's outputs, which identifies it
     * @param attribute the attribute
     * @throws IllegalArgumentException if no node produces {@code nodeOutput}
     */
    public void setAttribute(String nodeOutput, AttributeProto attribute) {
        int position = indexOf(nodeOutput);
        NodeProto.Builder builder = nodes.get(position).toBuilder();
        for (int i = 0; i < builder.getAttributeCount(); i++) {
            if (builder.getAttribute(i).getName().equals(attribute.getName())) {
                builder.setAttribute(i, attribute);
                nodes.set(position, builder.build());
                return;
            }
        }
        nodes.set(position, builder.addAttribute(attribute).build());
    }

    /**
     * Adds a node just before the node that produces {@code beforeOutput}, so that it can feed it.
     *
     * @param node the new node; its name and outputs must be unique (see {@link #uniqueName})
     * @param beforeOutput an output of the node the new one must precede
     * @throws IllegalArgumentException if no node produces {@code beforeOutput}
     */
    public void insertBefore(NodeProto node, String beforeOutput) {
        nodes.add(indexOf(beforeOutput), node);
    }

    /**
     * Removes a graph input, e.g. the past key/value cache of a removed layer. Whatever still reads it
     * must be rewired or removed before {@link #build()}.
     *
     * @param name the input's name
     * @throws IllegalArgumentException if the graph has no such input
     */
    public void removeInput(String name) {
        if (!inputs.removeIf(i -> i.getName().equals(name))) {
            throw new IllegalArgumentException("the graph has no input '" + name + "'");
        }
    }

    /**
     * Removes a graph output, e.g. the present key/value cache of a removed layer; what only fed it
     * becomes dead code.
     *
     * @param name the output's name
     * @throws IllegalArgumentException if the graph has no such output
     */
    public void removeOutput(String name) {
        if (!outputs.removeIf(o -> o.getName().equals(name))) {
            throw new IllegalArgumentException("the graph has no output '" + name + "'");
        }
    }

    /**
     * Sets one dimension of a graph input's or output's declared shape to a fixed size, e.g. the head
     * count of a key/value cache after heads were pruned.
     *
     * @param name the input or output
     * @param axis the dimension
     * @param size its new size
     * @throws IllegalArgumentException if there is no such input or output or it declares no such axis
     */
    public void setDimension(String name, int axis, long size) {
        boolean found = false;
        for (List<ValueInfoProto> list : List.of(inputs, outputs)) {
            for (int i = 0; i < list.size(); i++) {
                ValueInfoProto info = list.get(i);
                if (!info.getName().equals(name)) {
                    continue;
                }
                var shape = info.getType().getTensorType().getShape();
                if (axis < 0 || axis >= shape.getDimCount()) {
                    throw new IllegalArgumentException("'" + name + "' declares no dimension " + axis);
                }
                ValueInfoProto.Builder builder = info.toBuilder();
                builder.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(axis).clear()
                        .setDimValue(size);
                list.set(i, builder.build());
                found = true;
            }
        }
        if (!found) {
            throw new IllegalArgumentException("the graph has no input or output '" + name + "'");
        }
    }

    /**
     * Drops the shapes recorded for intermediate tensors ({@code value_info}) when the model is built,
     * keeping their element types: edits that change widths would make them contradict the graph, and
     * ONNX Runtime infers them again.
     */
    public void forgetIntermediateShapes() {
        forgetShapes = true;
    }

    /**
     * Returns the declared type of a graph input or output as it stands.
     *
     * @param name the input or output
     * @return its value info, or null if there is none of that name
     */
    public ValueInfoProto graphValue(String name) {
        for (List<ValueInfoProto> list : List.of(inputs, outputs)) {
            for (ValueInfoProto info : list) {
                if (info.getName().equals(name)) {
                    return info;
                }
            }
        }
        return null;
    }

    private int indexOf(String tensor) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getOutputList().contains(tensor)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no node produces tensor '" + tensor + "'");
    }

    /**
     * Replaces a node by others, in place: the replacements run where the node ran, in the order
     * given. Their outputs may reuse the old node's output names, so its readers read them.
     *
     * @param node a node of the graph under edit
     * @param replacements the nodes that take its place (none removes it)
     * @throws IllegalArgumentException if the node is not in the graph under edit
     */
    public void replace(NodeProto node, List<NodeProto> replacements) {
        int index = indexOf(node);
        nodes.remove(index);
        nodes.addAll(index, replacements);
    }

    /**
     * Removes a node. Its outputs must no longer be read, or must be produced by another node.
     *
     * @param node a node of the graph under edit
     * @throws IllegalArgumentException if the node is not in the graph under edit
     */
    public void remove(NodeProto node) {
        nodes.remove(indexOf(node));
    }

    private int indexOf(NodeProto node) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) == node) {
                return i;
            }
        }
        int index = nodes.indexOf(node);
        if (index < 0) {
            throw new IllegalArgumentException("node " + GraphView.describe(node) + " is not in the graph under edit");
        }
        return index;
    }

    /**
     * Adds a constant tensor (initializer) under a name obtained from {@link #uniqueName(String)}.
     *
     * @param tensor the tensor, named
     * @throws IllegalArgumentException if an initializer of that name exists
     */
    public void addInitializer(TensorProto tensor) {
        if (initializers.containsKey(tensor.getName())) {
            throw new IllegalArgumentException("initializer '" + tensor.getName() + "' exists already");
        }
        usedNames.add(tensor.getName());
        initializers.put(tensor.getName(), tensor);
    }

    /**
     * Returns an initializer as it stands in the graph under edit.
     *
     * @param name the initializer's name
     * @return the tensor
     * @throws IllegalArgumentException if there is no initializer of that name
     */
    public TensorProto initializer(String name) {
        TensorProto tensor = initializers.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no initializer named '" + name + "'");
        }
        return tensor;
    }

    /**
     * Replaces the value of an existing initializer, keeping its name.
     *
     * @param tensor the new value, named like the initializer it replaces
     * @throws IllegalArgumentException if there is no initializer of that name
     */
    public void replaceInitializer(TensorProto tensor) {
        initializer(tensor.getName());
        initializers.put(tensor.getName(), tensor);
    }

    /**
     * Adds a new initializer under a unique name based on {@code base}.
     *
     * @param base the preferred name
     * @param tensor the value; its name is replaced
     * @return the name given
     */
    public String addInitializer(String base, TensorProto tensor) {
        String name = uniqueName(base);
        initializers.put(name, tensor.toBuilder().setName(name).build());
        return name;
    }

    /**
     * Appends a node with one output, under unique node and output names based on {@code outputBase}.
     * Nodes are appended after the existing ones, so they may read any tensor already in the graph.
     *
     * @param opType the operator, e.g. {@code MatMul}
     * @param inputs the tensors it reads, which must exist in the graph
     * @param outputBase the preferred name of its output
     * @param attributes the node's attributes
     * @return the name given to the output
     */
    public String addNode(String opType, List<String> inputs, String outputBase, AttributeProto... attributes) {
        String output = uniqueName(outputBase);
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(uniqueName("greenai/" + output))
                .addAllInput(inputs).addOutput(output);
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        nodes.add(node.build());
        return output;
    }

    /**
     * Makes the node that produces {@code nodeOutput} read {@code tensor} at input {@code index}.
     *
     * @param nodeOutput the node's first output, which identifies it
     * @param index the input position
     * @param tensor the tensor to read there
     * @throws IllegalArgumentException if no node produces {@code nodeOutput} or the index is out of range
     */
    public void setInput(String nodeOutput, int index, String tensor) {
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            if (node.getOutputCount() > 0 && node.getOutput(0).equals(nodeOutput)) {
                if (index < 0 || index >= node.getInputCount()) {
                    throw new IllegalArgumentException("node " + GraphView.describe(node) + " has no input " + index);
                }
                nodes.set(i, node.toBuilder().setInput(index, tensor).build());
                return;
            }
        }
        throw new IllegalArgumentException("no node produces tensor '" + nodeOutput + "'");
    }

    /**
     * Like {@link #setInput}, but fills absent optional inputs before {@code index} with {@code ""}
     * (operators with optional inputs, such as {@code SkipLayerNormalization}'s beta, may omit them).
     *
     * @param nodeOutput the node's first output, which identifies it
     * @param index the input position, at least 0
     * @param tensor the tensor to read there, or {@code ""} for none
     * @throws IllegalArgumentException if no node produces {@code nodeOutput} or the index is negative
     */
    public void setOptionalInput(String nodeOutput, int index, String tensor) {
        if (index < 0) {
            throw new IllegalArgumentException("negative input index " + index);
        }
        int position = indexOf(nodeOutput);
        NodeProto.Builder builder = nodes.get(position).toBuilder();
        while (builder.getInputCount() <= index) {
            builder.addInput("");
        }
        builder.setInput(index, tensor);
        List<String> trimmed = new ArrayList<>(builder.getInputList());
        while (!trimmed.isEmpty() && trimmed.get(trimmed.size() - 1).isEmpty()) {
            trimmed.remove(trimmed.size() - 1);
        }
        nodes.set(position, builder.clearInput().addAllInput(trimmed).build());
    }

    /**
     * Makes the saved model import an operator set, e.g. {@code com.microsoft} version 1 for ONNX
     * Runtime's contrib operators, or raises an imported version to at least {@code version}.
     *
     * @param domain the operator domain ({@code ""} for the default ONNX domain)
     * @param version the lowest version needed
     */
    public void requireOpset(String domain, long version) {
        opsets.merge(domain, version, Math::max);
    }

    /**
     * Returns the version of an operator set the model imports, as it stands.
     *
     * @param domain the operator domain ({@code ""} or {@code "ai.onnx"} for the default ONNX domain)
     * @return the version, or 0 if the domain is not imported
     */
    public long opsetVersion(String domain) {
        String key = domain.equals("ai.onnx") ? "" : domain;
        return opsets.getOrDefault(key, 0L);
    }

    /**
     * Drops the value_info type annotations of intermediate tensors, which go stale when an edit
     * changes tensor types (ONNX Runtime infers them again when loading).
     */
    public void clearValueInfo() {
        keepValueInfo = false;
    }

    /**
     * Adds a graph output for an existing tensor (used to expose intermediate tensors).
     *
     * @param name the tensor
     * @param elemType its element type ({@code TensorProto.DataType} number)
     */
    public void addOutput(String name, int elemType) {
        if (outputs.stream().anyMatch(o -> o.getName().equals(name))) {
            return;
        }
        outputs.add(ValueInfoProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                        .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType)))
                .build());
    }

    /**
     * Makes the given tensors the graph's only outputs (float32 unless value_info says otherwise);
     * run {@link #removeDeadCode()} afterwards to drop what no longer feeds them.
     *
     * @param names tensors that nodes of the graph produce
     */
    public void replaceOutputs(List<String> names) {
        Map<String, Integer> types = new HashMap<>();
        original.getGraph().getOutputList().forEach(o -> types.put(o.getName(), o.getType().getTensorType().getElemType()));
        original.getGraph().getValueInfoList().forEach(o -> types.put(o.getName(), o.getType().getTensorType().getElemType()));
        outputs.clear();
        for (String name : names) {
            addOutput(name, types.getOrDefault(name, TensorProto.DataType.FLOAT_VALUE));
        }
    }

    /**
     * Sets a metadata entry of the saved model, replacing an entry of the same key.
     *
     * @param key the key
     * @param value the value
     */
    public void putMetadata(String key, String value) {
        metadata.put(key, value);
    }

    /**
     * Returns a metadata entry as it stands.
     *
     * @param key the key
     * @return the value, or null
     */
    public String metadata(String key) {
        return metadata.get(key);
    }

    /**
     * Removes every node whose outputs no graph output needs, then initializers nothing reads, then
     * Identity nodes that only rename a tensor (their readers read the source directly).
     */
    public void removeDeadCode() {
        removeUnreachable();
        foldIdentities();
        removeUnreachable();
    }

    private void removeUnreachable() {
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto node : nodes) {
            node.getOutputList().forEach(o -> producers.put(o, node));
        }
        Set<NodeProto> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Set<String> needed = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        outputs.forEach(o -> pending.add(o.getName()));
        while (!pending.isEmpty()) {
            String tensor = pending.poll();
            if (!needed.add(tensor)) {
                continue;
            }
            NodeProto producer = producers.get(tensor);
            if (producer != null && live.add(producer)) {
                readsOf(producer).forEach(pending::add);
            }
        }
        nodes.removeIf(n -> !live.contains(n));
        initializers.keySet().removeIf(name -> !needed.contains(name));
    }

    private void foldIdentities() {
        if (nodes.stream().anyMatch(GraphEditor::hasSubgraph)) {
            return; // renaming into subgraphs is not worth the risk; ONNX Runtime folds Identity anyway
        }
        Set<String> graphOutputs = new HashSet<>();
        outputs.forEach(o -> graphOutputs.add(o.getName()));
        Map<String, String> rename = new HashMap<>();
        List<NodeProto> kept = new ArrayList<>();
        for (NodeProto node : nodes) {
            if (node.getOpType().equals("Identity") && node.getName().startsWith("greenai/bypass/")
                    && !graphOutputs.contains(node.getOutput(0))) {
                rename.put(node.getOutput(0), node.getInput(0));
            } else {
                kept.add(node);
            }
        }
        if (rename.isEmpty()) {
            return;
        }
        nodes.clear();
        for (NodeProto node : kept) {
            NodeProto.Builder builder = node.toBuilder();
            for (int i = 0; i < builder.getInputCount(); i++) {
                builder.setInput(i, resolve(builder.getInput(i), rename));
            }
            nodes.add(builder.build());
        }
    }

    private static String resolve(String name, Map<String, String> rename) {
        String current = name;
        while (rename.containsKey(current)) {
            current = rename.get(current);
        }
        return current;
    }

    private static boolean hasSubgraph(NodeProto node) {
        return node.getAttributeList().stream().anyMatch(a -> a.getType() == AttributeProto.AttributeType.GRAPH
                || a.getType() == AttributeProto.AttributeType.GRAPHS);
    }

    /** The tensors a node reads, including those its subgraphs read from the outer scope. */
    private static List<String> readsOf(NodeProto node) {
        List<String> reads = new ArrayList<>();
        node.getInputList().stream().filter(i -> !i.isEmpty()).forEach(reads::add);
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.hasG()) {
                subgraphReads(attribute.getG(), reads);
            }
            attribute.getGraphsList().forEach(g -> subgraphReads(g, reads));
        }
        return reads;
    }

    private static void subgraphReads(GraphProto graph, List<String> reads) {
        for (NodeProto node : graph.getNodeList()) {
            reads.addAll(readsOf(node));
        }
    }

    /**
     * Returns the edited model: the original's fields with the edited nodes, initializers, inputs,
     * outputs and metadata, and value_info kept only for tensors that still exist.
     *
     * @return the new model
     */
    public ModelProto build() {
        Set<String> present = new HashSet<>();
        nodes.forEach(n -> present.addAll(n.getOutputList()));
        GraphProto.Builder graph = original.getGraph().toBuilder()
                .clearNode().addAllNode(nodes)
                .clearInitializer().addAllInitializer(initializers.values())
                .clearOutput().addAllOutput(outputs);
        List<ValueInfoProto> valueInfo = new ArrayList<>();
        for (ValueInfoProto info : original.getGraph().getValueInfoList()) {
            if (keepValueInfo && present.contains(info.getName())) {
                if (forgetShapes && info.getType().hasTensorType()) {
                    ValueInfoProto.Builder typeOnly = info.toBuilder();
                    typeOnly.getTypeBuilder().getTensorTypeBuilder().clearShape();
                    valueInfo.add(typeOnly.build());
                } else {
                    valueInfo.add(info);
                }
            }
        }
        graph.clearValueInfo().addAllValueInfo(valueInfo);
        // Older exports list initializers among the graph inputs too: drop those whose initializer went.
        List<ValueInfoProto> keptInputs = new ArrayList<>();
        Set<String> originalInitializers = new HashSet<>();
        original.getGraph().getInitializerList().forEach(t -> originalInitializers.add(t.getName()));
        for (ValueInfoProto input : inputs) {
            if (!originalInitializers.contains(input.getName()) || initializers.containsKey(input.getName())) {
                keptInputs.add(input);
            }
        }
        graph.clearInput().addAllInput(keptInputs);
        ModelProto.Builder model = original.toBuilder().setGraph(graph).clearMetadataProps().clearOpsetImport();
        opsets.forEach((domain, version) -> model.addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }
}
