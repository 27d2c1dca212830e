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
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
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
     * Replaces the value of an existing initializer, e.g. with a lower-precision copy.
     *
     * @param tensor the new tensor, with the name of the initializer it replaces
     * @throws IllegalArgumentException if there is no initializer of that name
     */
    public void replaceInitializer(TensorProto tensor) {
        if (!initializers.containsKey(tensor.getName())) {
            throw new IllegalArgumentException("no initializer '" + tensor.getName() + "' to replace");
        }
        initializers.put(tensor.getName(), tensor);
    }

    /**
     * Returns an initializer as it stands in the graph under edit.
     *
     * @param name the tensor name
     * @return the initializer, or null
     */
    public TensorProto initializer(String name) {
        return initializers.get(name);
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
     * Returns the edited model: the original's fields with the edited nodes, initializers, outputs and
     * metadata, and value_info kept only for tensors that still exist.
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
                valueInfo.add(info);
            }
        }
        graph.clearValueInfo().addAllValueInfo(valueInfo);
        // Older exports list initializers among the graph inputs too: drop those whose initializer went.
        List<ValueInfoProto> inputs = new ArrayList<>();
        Set<String> originalInitializers = new HashSet<>();
        original.getGraph().getInitializerList().forEach(t -> originalInitializers.add(t.getName()));
        for (ValueInfoProto input : original.getGraph().getInputList()) {
            if (!originalInitializers.contains(input.getName()) || initializers.containsKey(input.getName())) {
                inputs.add(input);
            }
        }
        graph.clearInput().addAllInput(inputs);
        ModelProto.Builder model = original.toBuilder().setGraph(graph).clearMetadataProps().clearOpsetImport();
        opsets.forEach((domain, version) -> model.addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }
}
