package io.greenai.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.greenai.core.CompressibleModel;
import io.greenai.core.CompressionPlan;
import io.greenai.core.ModelFormatException;
import io.greenai.core.ModelStructure;
import io.greenai.core.UnsupportedModelException;
import io.greenai.onnx.graph.GraphEditor;
import io.greenai.onnx.graph.GraphView;
import io.greenai.onnx.graph.Tensors;
import io.greenai.onnx.graph.TransformerDiscovery;
import io.greenai.onnx.graph.TransformerStack;
import io.greenai.onnx.runtime.InferenceSession;
import io.greenai.onnx.runtime.OrtOptions;
import io.greenai.onnx.runtime.TextEncoder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX model held in memory: an immutable value. Loading reads and checks the whole file (and
 * its external-data files), so later steps never meet a half-read model; compression returns new
 * models and never changes this one or its file.
 *
 * <pre>{@code
 * OnnxModel model = OnnxModel.load(Path.of("bge-small-en-v1.5.onnx"), Path.of("tokenizer.json"));
 * OnnxModel smaller = Compressor.of(model).removeLayers(6).build();
 * smaller.save(Path.of("out.onnx"));
 * }</pre>
 */
public final class OnnxModel implements CompressibleModel<OnnxModel> {

    /** Integer element types in which quantizers store weights. */
    private static final Set<Integer> WEIGHT_INTEGER_TYPES = Set.of(TensorProto.DataType.INT8_VALUE,
            TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.INT4_VALUE, TensorProto.DataType.UINT4_VALUE);

    private final ModelProto proto;
    private final String name;
    private final Path tokenizer;
    /** Files this model or its ancestors were loaded from: {@link #save} never overwrites them. */
    private final List<Path> origins;
    private volatile List<TransformerStack> stacks;

    private OnnxModel(ModelProto proto, String name, Path tokenizer, List<Path> origins) {
        this.proto = proto;
        this.name = name;
        this.tokenizer = tokenizer;
        this.origins = List.copyOf(origins);
    }

    /**
     * Loads an ONNX model file, with external-data files beside it if the model uses them.
     *
     * @param path the {@code .onnx} file
     * @return the model
     * @throws ModelFormatException if the file is missing, unreadable, not ONNX, truncated or
     *     inconsistent (the message names the file and the tensor or node)
     */
    public static OnnxModel load(Path path) {
        return load(path, null);
    }

    /**
     * Loads an ONNX text model together with its Hugging Face {@code tokenizer.json}, which
     * calibration and text encoding use.
     *
     * @param path the {@code .onnx} file
     * @param tokenizerJson the tokenizer file, or null for none
     * @return the model
     * @throws ModelFormatException if either file is missing or the model cannot be read
     */
    public static OnnxModel load(Path path, Path tokenizerJson) {
        Objects.requireNonNull(path, "path");
        Path file = path.toAbsolutePath().normalize();
        if (!Files.exists(file)) {
            throw new ModelFormatException("model file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("model path is not a regular file: " + file);
        }
        Path tokenizerFile = null;
        if (tokenizerJson != null) {
            tokenizerFile = tokenizerJson.toAbsolutePath().normalize();
            if (!Files.isRegularFile(tokenizerFile)) {
                throw new ModelFormatException("tokenizer file not found: " + tokenizerFile);
            }
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new ModelFormatException("model file is empty: " + file);
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new ModelFormatException("model file is larger than 2 GiB: " + file
                        + "; save its weights as ONNX external data");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException("not a valid ONNX model (truncated or not ONNX): " + file + ": "
                    + e.getMessage(), e);
        }
        proto = inlineExternalData(proto, file);
        validate(proto, file.toString());
        String fileName = file.getFileName().toString();
        String modelName = fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return new OnnxModel(proto, modelName, tokenizerFile, List.of(file));
    }

    /**
     * Wraps an in-memory ONNX model, after the same checks as {@link #load(Path)}.
     *
     * @param proto the model
     * @param name a name for messages and logs
     * @return the model
     * @throws ModelFormatException if the model is inconsistent
     */
    public static OnnxModel of(ModelProto proto, String name) {
        validate(proto, name);
        return new OnnxModel(proto, name, null, List.of());
    }

    /**
     * Returns the model's name: its file name without {@code .onnx}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the tokenizer given at load time.
     *
     * @return the tokenizer file, or empty
     */
    public Optional<Path> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /**
     * Returns the underlying ONNX protobuf (immutable).
     *
     * @return the model proto
     */
    public ModelProto proto() {
        return proto;
    }

    /**
     * Discovers the transformer layer stacks (computed once, then cached).
     *
     * @return the structure: the main stack's layers, and every stack in {@link ModelStructure#stacks()}
     * @throws UnsupportedModelException if the graph has no transformer stack GreenAI understands
     */
    @Override
    public ModelStructure structure() {
        return TransformerStack.structure(transformerStacks());
    }

    /**
     * Returns the main layer stack (the only one, or the encoder of an encoder-decoder) with its graph
     * details (tensors and projections).
     *
     * @return the stack
     * @throws UnsupportedModelException if the graph has no transformer stack GreenAI understands, or
     *     is quantized already (naming the first quantized node)
     */
    public TransformerStack transformerStack() {
        return transformerStacks().get(0);
    }

    /**
     * Returns every layer stack with its graph details, the main one first.
     *
     * @return the stacks, at least one
     * @throws UnsupportedModelException if the graph has no transformer stack GreenAI understands
     */
    public List<TransformerStack> transformerStacks() {
        List<TransformerStack> result = stacks;
        if (result == null) {
            result = TransformerDiscovery.discoverAll(new GraphView(proto.getGraph()), name);
            stacks = result;
        }
        return result;
    }

    /**
     * Returns a layer stack by name.
     *
     * @param stackName the name, e.g. {@code decoder} (see {@link ModelStructure#stacks()})
     * @return the stack
     * @throws IllegalArgumentException if the model has no stack of that name
     * @throws UnsupportedModelException if the graph has no transformer stack GreenAI understands
     */
    public TransformerStack transformerStack(String stackName) {
        return transformerStacks().stream().filter(s -> s.name().equals(stackName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model '" + name + "' has no layer stack named '"
                        + stackName + "'; it has " + transformerStacks().stream().map(TransformerStack::name).toList()));
    }

    /**
     * Runs a checked plan; use {@link io.greenai.core.Compressor} rather than calling this directly.
     *
     * @param plan the plan
     * @return the compressed model
     */
    @Override
    public OnnxModel apply(CompressionPlan plan) {
        return PlanRunner.run(this, plan);
    }

    /** Returns a model with a new proto that remembers this model's origins and tokenizer. */
    OnnxModel derive(ModelProto newProto) {
        return new OnnxModel(newProto, name, tokenizer, origins);
    }

    /**
     * Returns a new model made by editing a copy of this one's graph, e.g. to append a classifier
     * head. The edit's dead code is removed and the result checked like a loaded model; the new model
     * keeps this one's name and tokenizer, and this model is unchanged.
     *
     * @param change the edit, given the one editor of the copy
     * @return the edited model
     * @throws ModelFormatException if the edited graph is inconsistent (a tensor read but never made)
     */
    public OnnxModel edited(java.util.function.Consumer<GraphEditor> change) {
        GraphEditor editor = new GraphEditor(proto);
        change.accept(editor);
        editor.removeDeadCode();
        ModelProto edited = editor.build();
        validate(edited, name + " (edited)");
        return derive(edited);
    }

    /**
     * Returns a copy of this model that also outputs the given intermediate tensors, e.g. to compare
     * a layer's output with a compressed model's.
     *
     * @param tensors names of tensors that nodes of the graph produce
     * @return a new model with the extra outputs appended
     * @throws IllegalArgumentException if no node produces one of the tensors
     */
    public OnnxModel exposeTensors(List<String> tensors) {
        GraphView view = new GraphView(proto.getGraph());
        Map<String, Integer> types = new LinkedHashMap<>();
        for (ValueInfoProto info : proto.getGraph().getValueInfoList()) {
            types.put(info.getName(), info.getType().getTensorType().getElemType());
        }
        GraphEditor editor = new GraphEditor(proto);
        for (String tensor : tensors) {
            if (view.producer(tensor) == null) {
                throw new IllegalArgumentException("model '" + name + "' has no node that produces tensor '" + tensor
                        + "'");
            }
            editor.addOutput(tensor, types.getOrDefault(tensor, TensorProto.DataType.FLOAT_VALUE));
        }
        return derive(editor.build());
    }

    /**
     * Returns the names of the graph inputs that must be fed (initializers excluded).
     *
     * @return the input names, in graph order
     */
    public List<String> inputNames() {
        Set<String> initializers = new HashSet<>();
        proto.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        return proto.getGraph().getInputList().stream().map(ValueInfoProto::getName)
                .filter(n -> !initializers.contains(n)).toList();
    }

    /**
     * Returns the names of the graph outputs.
     *
     * @return the output names, in graph order
     */
    public List<String> outputNames() {
        return proto.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
    }

    /**
     * Returns the model's metadata, including what GreenAI did to it ({@code greenai.plan},
     * {@code greenai.version}, {@code greenai.removed_layers}).
     *
     * @return the metadata entries, in file order
     */
    public Map<String, String> metadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (StringStringEntryProto entry : proto.getMetadataPropsList()) {
            metadata.put(entry.getKey(), entry.getValue());
        }
        return metadata;
    }

    /**
     * Counts the weights, whatever their storage type: floating-point initializers, 8-bit integer
     * initializers (quantized weights, their zero points) one per element, 4-bit types one per
     * element, and the packed blocks of {@code com.microsoft.MatMulNBits} (input 1) as
     * {@code 8 / bits} weights per byte. Integer initializers of other types (int64 shapes, indices)
     * are not parameters. A quantized model therefore counts about as many parameters as its float
     * original, plus its scales; its size in bytes is what shrinks.
     *
     * @return the number of parameters in the initializers
     */
    public long parameterCount() {
        Map<String, Long> packedBits = new HashMap<>();
        for (NodeProto node : proto.getGraph().getNodeList()) {
            if (node.getOpType().equals("MatMulNBits") && node.getInputCount() > 1) {
                packedBits.put(node.getInput(1), GraphView.intAttribute(node, "bits", 4));
            }
        }
        long count = 0;
        for (TensorProto tensor : proto.getGraph().getInitializerList()) {
            Long bits = packedBits.get(tensor.getName());
            if (bits != null && bits > 0 && bits < 8) {
                count += Tensors.elementCount(tensor) * (8 / bits);
            } else if (Tensors.isFloatingPoint(tensor) || WEIGHT_INTEGER_TYPES.contains(tensor.getDataType())) {
                count += Tensors.elementCount(tensor);
            }
        }
        return count;
    }

    /**
     * Returns the size of the model when saved.
     *
     * @return bytes
     */
    public long sizeBytes() {
        return proto.getSerializedSize();
    }

    /**
     * Opens an ONNX Runtime session on this model.
     *
     * @param options session options
     * @return the session; close it
     * @throws io.greenai.core.BackendException if ONNX Runtime cannot load the model
     */
    public InferenceSession newSession(OrtOptions options) {
        return InferenceSession.open(proto.toByteArray(), options, name);
    }

    /**
     * Opens a text encoder on this model's tokenizer.
     *
     * @param maxLength the longest sequence in tokens
     * @return the encoder; close it
     * @throws IllegalStateException if the model was loaded without a tokenizer
     */
    public TextEncoder newTextEncoder(int maxLength) {
        Path file = tokenizer().orElseThrow(() -> new IllegalStateException("model '" + name
                + "' has no tokenizer: load it with OnnxModel.load(model, tokenizerJson)"));
        return TextEncoder.open(file, maxLength);
    }

    /**
     * Writes the model atomically: to a temporary file in the target folder, then renamed over the
     * target, so readers never see half a file.
     *
     * @param target the file to write; its folder is created if needed
     * @return the absolute path written
     * @throws IllegalArgumentException if the target is the file this model, or a model it was
     *     derived from, was loaded from
     * @throws UncheckedIOException if writing fails
     */
    public Path save(Path target) {
        Path file = target.toAbsolutePath().normalize();
        for (Path origin : origins) {
            if (origin.equals(file) || sameFile(origin, file)) {
                throw new IllegalArgumentException("refusing to overwrite " + file
                        + ": it is the file the model was loaded from; save to another path");
            }
        }
        try {
            AtomicFiles.write(file, temp -> {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 20)) {
                    proto.writeTo(out);
                }
            });
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model to " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + name + ", " + proto.getGraph().getNodeCount() + " nodes, " + sizeBytes() + " bytes]";
    }

    private static ModelProto inlineExternalData(ModelProto proto, Path file) {
        boolean external = proto.getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
        if (!external) {
            return proto;
        }
        Path folder = file.getParent();
        List<TensorProto> initializers = new ArrayList<>();
        for (TensorProto tensor : proto.getGraph().getInitializerList()) {
            if (tensor.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
                initializers.add(tensor);
                continue;
            }
            Map<String, String> info = new LinkedHashMap<>();
            tensor.getExternalDataList().forEach(e -> info.put(e.getKey(), e.getValue()));
            String location = info.get("location");
            if (location == null) {
                throw new ModelFormatException(file + ": tensor '" + tensor.getName()
                        + "' is stored externally but names no location");
            }
            Path dataFile = folder.resolve(location).normalize();
            if (!dataFile.startsWith(folder)) {
                throw new ModelFormatException(file + ": tensor '" + tensor.getName() + "' points outside the model's folder: "
                        + location);
            }
            if (!Files.isRegularFile(dataFile)) {
                throw new ModelFormatException(file + ": external data file of tensor '" + tensor.getName()
                        + "' not found: " + dataFile);
            }
            try (RandomAccessFile data = new RandomAccessFile(dataFile.toFile(), "r")) {
                long offset = Long.parseLong(info.getOrDefault("offset", "0"));
                long length = info.containsKey("length") ? Long.parseLong(info.get("length")) : data.length() - offset;
                if (offset < 0 || length < 0 || offset + length > data.length() || length > Integer.MAX_VALUE) {
                    throw new ModelFormatException(file + ": tensor '" + tensor.getName() + "' needs bytes " + offset
                            + ".." + (offset + length) + " of " + dataFile + ", which has " + data.length());
                }
                byte[] bytes = new byte[(int) length];
                data.seek(offset);
                data.readFully(bytes);
                initializers.add(tensor.toBuilder().clearExternalData()
                        .setDataLocation(TensorProto.DataLocation.DEFAULT)
                        .setRawData(ByteString.copyFrom(bytes)).build());
            } catch (IOException | NumberFormatException e) {
                throw new ModelFormatException(file + ": cannot read external data of tensor '" + tensor.getName()
                        + "' from " + dataFile + ": " + e.getMessage(), e);
            }
        }
        return proto.toBuilder().setGraph(proto.getGraph().toBuilder().clearInitializer().addAllInitializer(initializers))
                .build();
    }

    /** Checks that the model is complete: a graph, opsets, every tensor read is defined, data sizes fit. */
    private static void validate(ModelProto proto, String source) {
        if (proto.getIrVersion() <= 0 || !proto.hasGraph()) {
            throw new ModelFormatException("not an ONNX model (no IR version or no graph): " + source);
        }
        if (proto.getOpsetImportCount() == 0) {
            throw new ModelFormatException("ONNX model declares no operator set: " + source);
        }
        if (proto.getGraph().getNodeCount() == 0) {
            throw new ModelFormatException("ONNX model has no nodes (truncated?): " + source);
        }
        GraphView view = new GraphView(proto.getGraph());
        for (NodeProto node : proto.getGraph().getNodeList()) {
            if (node.getOpType().isEmpty()) {
                throw new ModelFormatException(source + ": node " + GraphView.describe(node) + " has no operator type");
            }
            for (String input : node.getInputList()) {
                if (!input.isEmpty() && !view.isDefined(input)) {
                    throw new ModelFormatException(source + ": tensor '" + input + "' read by node "
                            + GraphView.describe(node) + " is never produced (file truncated or corrupt?)");
                }
            }
        }
        for (ValueInfoProto output : proto.getGraph().getOutputList()) {
            if (!view.isDefined(output.getName())) {
                throw new ModelFormatException(source + ": graph output '" + output.getName()
                        + "' is never produced (file truncated or corrupt?)");
            }
        }
        for (TensorProto tensor : proto.getGraph().getInitializerList()) {
            int size = Tensors.elementSize(tensor.getDataType());
            long count = Tensors.elementCount(tensor);
            if (count < 0) {
                throw new ModelFormatException(source + ": tensor '" + tensor.getName() + "' has negative dims "
                        + tensor.getDimsList());
            }
            if (!tensor.getRawData().isEmpty() && size > 0 && tensor.getRawData().size() != count * size) {
                throw new ModelFormatException(source + ": tensor '" + tensor.getName() + "' holds "
                        + tensor.getRawData().size() + " bytes, but its dims " + tensor.getDimsList() + " need "
                        + count * size + " (file truncated or corrupt?)");
            }
        }
    }
}
