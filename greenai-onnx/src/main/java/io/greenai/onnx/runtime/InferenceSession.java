package io.greenai.onnx.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.greenai.core.BackendException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX Runtime session on one model. Holds native memory: use it in try-with-resources.
 * Not thread-safe for concurrent {@code run} calls with shared inputs; ONNX Runtime itself allows
 * concurrent runs.
 */
public final class InferenceSession implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String modelName;

    private InferenceSession(OrtEnvironment environment, OrtSession session, String modelName) {
        this.environment = environment;
        this.session = session;
        this.modelName = modelName;
    }

    /**
     * Opens a session on a serialized ONNX model.
     *
     * @param model the model bytes
     * @param options the session options
     * @param modelName the model's name, for error messages
     * @return the open session
     * @throws BackendException if ONNX Runtime cannot load the model
     */
    public static InferenceSession open(byte[] model, OrtOptions options, String modelName) {
        OrtEnvironment environment = OrtEnvironments.get();
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            if (options.intraOpThreads() > 0) {
                sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (options.interOpThreads() > 0) {
                sessionOptions.setInterOpNumThreads(options.interOpThreads());
            }
            sessionOptions.setOptimizationLevel(options.optimize()
                    ? OrtSession.SessionOptions.OptLevel.ALL_OPT
                    : OrtSession.SessionOptions.OptLevel.NO_OPT);
            if (options.cudaDevice() >= 0) {
                sessionOptions.addCUDA(options.cudaDevice());
            }
            return new InferenceSession(environment, environment.createSession(model, sessionOptions), modelName);
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime cannot load model '" + modelName + "': " + e.getMessage(), e);
        }
    }

    /**
     * Returns the model's input names.
     *
     * @return the names, in the model's order
     */
    public Set<String> inputNames() {
        return session.getInputNames();
    }

    /**
     * Returns the model's output names.
     *
     * @return the names, in the model's order
     */
    public Set<String> outputNames() {
        return session.getOutputNames();
    }

    /**
     * Runs the model on int64 inputs (token ids, masks) and returns every float32 output.
     *
     * @param inputs one {@code [batch][sequence]} array per input name
     * @return the float outputs by name, in the model's order
     * @throws BackendException if ONNX Runtime fails, naming the model
     * @throws IllegalArgumentException if an input is missing or unknown, or rows differ in length
     */
    public Map<String, FloatTensor> run(Map<String, long[][]> inputs) {
        checkInputs(inputs);
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[][]> entry : inputs.entrySet()) {
                tensors.put(entry.getKey(), toTensor(entry.getKey(), entry.getValue()));
            }
            try (OrtSession.Result result = session.run(tensors)) {
                Map<String, FloatTensor> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> entry : result) {
                    if (entry.getValue() instanceof OnnxTensor tensor
                            && tensor.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                        FloatBuffer buffer = tensor.getFloatBuffer();
                        float[] data = new float[buffer.remaining()];
                        buffer.get(data);
                        outputs.put(entry.getKey(), new FloatTensor(tensor.getInfo().getShape(), data));
                    }
                }
                return outputs;
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed to run model '" + modelName + "': " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Runs a decoder on whole token sequences from an empty key/value cache, as for the first step of
     * generation. Fills the inputs a decoder export declares: the token ids ({@code input_ids},
     * int64 or int32), an all-ones {@code attention_mask}, {@code position_ids} counting from 0, and
     * every float or float16 input with a dimension named like a past sequence length as an empty
     * cache (that dimension 0, dimensions named like the batch the batch size, fixed dimensions as
     * declared).
     *
     * @param tokens one row of token ids per sequence, all the same length, at least one token
     * @return the float outputs by name (float16 outputs widened), e.g. {@code logits}
     * @throws IllegalArgumentException if rows differ in length or the model declares an input this
     *     method cannot fill, naming it
     * @throws BackendException if ONNX Runtime fails, naming the model
     */
    public Map<String, FloatTensor> runDecoder(long[][] tokens) {
        if (tokens.length == 0 || tokens[0].length == 0) {
            throw new IllegalArgumentException("runDecoder needs at least one sequence of at least one token");
        }
        int batch = tokens.length;
        int length = tokens[0].length;
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> entry : session.getInputInfo().entrySet()) {
                String name = entry.getKey();
                if (!(entry.getValue().getInfo() instanceof TensorInfo info)) {
                    throw new IllegalArgumentException("input '" + name + "' of model '" + modelName
                            + "' is not a tensor");
                }
                tensors.put(name, decoderInput(name, info, tokens, batch, length));
            }
            return floatOutputs(tensors);
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed to run decoder '" + modelName + "': " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Runs the model on the integer inputs given, filling in those a decoder declares and the caller
     * left out, as {@link #runDecoder} does: an all-ones {@code attention_mask}, {@code position_ids}
     * counting from 0, and empty key/value caches (past length 0). An encoder given all its inputs runs
     * as with {@link #run}. This is how calibration batches ({@code input_ids}, and a mask where rows
     * are padded) feed decoders, whose cache inputs cannot be written as {@code long[][]}.
     *
     * @param inputs one {@code [batch][sequence]} array per input name given; {@code input_ids} is
     *     required when the model declares it, and an {@code attention_mask} given is passed as it is
     * @return the float outputs by name (float16 outputs widened)
     * @throws IllegalArgumentException if an input given is unknown, rows differ in length, or the
     *     model declares an input this method cannot fill, naming it
     * @throws BackendException if ONNX Runtime fails, naming the model
     */
    public Map<String, FloatTensor> runWithDefaults(Map<String, long[][]> inputs) {
        Map<String, NodeInfo> declared;
        try {
            declared = session.getInputInfo();
        } catch (OrtException e) {
            throw new BackendException("cannot read the inputs of model '" + modelName + "'", e);
        }
        for (String name : inputs.keySet()) {
            if (!declared.containsKey(name)) {
                throw new IllegalArgumentException("model '" + modelName + "' has no input '" + name
                        + "'; its inputs are " + declared.keySet());
            }
        }
        long[][] ids = inputs.get("input_ids");
        if (ids == null) {
            ids = inputs.values().stream().findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "runWithDefaults needs at least one input for model '" + modelName + "'"));
        }
        int batch = ids.length;
        int length = batch == 0 ? 0 : ids[0].length;
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NodeInfo> entry : declared.entrySet()) {
                String name = entry.getKey();
                if (!(entry.getValue().getInfo() instanceof TensorInfo info)) {
                    throw new IllegalArgumentException("input '" + name + "' of model '" + modelName
                            + "' is not a tensor");
                }
                long[][] given = inputs.get(name);
                if (given != null) {
                    tensors.put(name, integerTensor(name, info, given));
                } else if (name.toLowerCase(java.util.Locale.ROOT).contains("input_ids")) {
                    throw new IllegalArgumentException("model '" + modelName + "' needs input '" + name
                            + "', got " + inputs.keySet());
                } else {
                    tensors.put(name, decoderInput(name, info, ids, batch, length));
                }
            }
            return floatOutputs(tensors);
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed to run model '" + modelName + "': " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /** Runs the session and returns its float32 and float16 (widened) outputs. */
    private Map<String, FloatTensor> floatOutputs(Map<String, OnnxTensor> tensors) throws OrtException {
        try (OrtSession.Result result = session.run(tensors)) {
            Map<String, FloatTensor> outputs = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> entry : result) {
                if (entry.getValue() instanceof OnnxTensor tensor
                        && (tensor.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT
                                || tensor.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT16)) {
                    FloatBuffer buffer = tensor.getFloatBuffer();
                    float[] data = new float[buffer.remaining()];
                    buffer.get(data);
                    outputs.put(entry.getKey(), new FloatTensor(tensor.getInfo().getShape(), data));
                }
            }
            return outputs;
        }
    }

    /** A given {@code [batch][sequence]} input as the int64 or int32 tensor the model declares. */
    private OnnxTensor integerTensor(String name, TensorInfo info, long[][] rows) throws OrtException {
        if (info.type != ai.onnxruntime.OnnxJavaType.INT64 && info.type != ai.onnxruntime.OnnxJavaType.INT32) {
            throw new IllegalArgumentException("input '" + name + "' of model '" + modelName + "' has type "
                    + info.type + "; calibration batches give integer inputs only");
        }
        int batch = rows.length;
        int length = batch == 0 ? 0 : rows[0].length;
        for (long[] row : rows) {
            if (row.length != length) {
                throw new IllegalArgumentException("input '" + name + "': rows differ in length (" + length + " and "
                        + row.length + "); pad them first");
            }
        }
        long[] declared = info.getShape();
        if (declared.length == 2 && declared[1] > 0 && declared[1] != length) {
            throw new IllegalArgumentException("model '" + modelName + "' fixes input '" + name + "' to " + declared[1]
                    + " tokens per row, got " + length + (declared[1] == 1 ? "; it decodes one token per step from "
                    + "its cache, so give its calibration batches as [batch][1] ids (each token seen without "
                    + "context)" : ""));
        }
        return integerRows(info, rows, batch, length);
    }

    private OnnxTensor decoderInput(String name, TensorInfo info, long[][] tokens, int batch, int length)
            throws OrtException {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        boolean integer = info.type == ai.onnxruntime.OnnxJavaType.INT64
                || info.type == ai.onnxruntime.OnnxJavaType.INT32;
        long[][] rows;
        if (integer && lower.contains("input_ids")) {
            for (long[] row : tokens) {
                if (row.length != length) {
                    throw new IllegalArgumentException("sequences differ in length (" + length + " and " + row.length
                            + "); pad them or run them one at a time");
                }
            }
            rows = tokens;
        } else if (integer && lower.contains("attention_mask")) {
            rows = new long[batch][length];
            for (long[] row : rows) {
                java.util.Arrays.fill(row, 1);
            }
        } else if (integer && lower.contains("position_ids")) {
            rows = new long[batch][length];
            for (long[] row : rows) {
                for (int i = 0; i < length; i++) {
                    row[i] = i;
                }
            }
        } else if (!integer && (info.type == ai.onnxruntime.OnnxJavaType.FLOAT
                || info.type == ai.onnxruntime.OnnxJavaType.FLOAT16)) {
            return emptyCache(name, info, batch);
        } else {
            throw new IllegalArgumentException("model '" + modelName + "' declares input '" + name + "' ("
                    + info.type + "), which runDecoder cannot fill");
        }
        return integerRows(info, rows, batch, length);
    }

    /** {@code [batch][length]} rows as a tensor of the input's integer type: int32 if declared so, else int64. */
    private OnnxTensor integerRows(TensorInfo info, long[][] rows, int batch, int length) throws OrtException {
        long[] shape = {batch, length};
        if (info.type == ai.onnxruntime.OnnxJavaType.INT32) {
            java.nio.IntBuffer buffer = java.nio.IntBuffer.allocate(batch * length);
            for (long[] row : rows) {
                for (long value : row) {
                    buffer.put((int) value);
                }
            }
            buffer.flip();
            return OnnxTensor.createTensor(environment, buffer, shape);
        }
        LongBuffer buffer = LongBuffer.allocate(batch * length);
        for (long[] row : rows) {
            buffer.put(row);
        }
        buffer.flip();
        return OnnxTensor.createTensor(environment, buffer, shape);
    }

    /** A cache input with no past tokens: its past-length dimension 0. */
    private OnnxTensor emptyCache(String name, TensorInfo info, int batch) throws OrtException {
        long[] shape = info.getShape().clone();
        String[] dims = info.getDimensionNames();
        boolean sequenceFound = false;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0) {
                continue;
            }
            String dim = dims[i] == null ? "" : dims[i].toLowerCase(java.util.Locale.ROOT);
            if (dim.contains("batch")) {
                shape[i] = batch;
            } else if (dim.contains("seq") || dim.contains("len") || dim.contains("past")) {
                shape[i] = 0;
                sequenceFound = true;
            } else {
                throw new IllegalArgumentException("input '" + name + "' of model '" + modelName + "' has dimension '"
                        + dims[i] + "', which runDecoder cannot size");
            }
        }
        if (!sequenceFound) {
            throw new IllegalArgumentException("model '" + modelName + "' declares float input '" + name
                    + "' with no past-length dimension; runDecoder fills only token ids, masks, positions and caches");
        }
        if (info.type == ai.onnxruntime.OnnxJavaType.FLOAT16) {
            return OnnxTensor.createTensor(environment, java.nio.ByteBuffer.allocateDirect(0)
                    .order(java.nio.ByteOrder.nativeOrder()).asShortBuffer(), shape, ai.onnxruntime.OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(environment, FloatBuffer.allocate(0), shape);
    }

    private void checkInputs(Map<String, long[][]> inputs) {
        try {
            Map<String, NodeInfo> declared = session.getInputInfo();
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, NodeInfo> entry : declared.entrySet()) {
                if (!inputs.containsKey(entry.getKey())) {
                    missing.add(entry.getKey());
                } else if (entry.getValue().getInfo() instanceof TensorInfo info
                        && info.type != ai.onnxruntime.OnnxJavaType.INT64) {
                    throw new IllegalArgumentException("input '" + entry.getKey() + "' of model '" + modelName
                            + "' has type " + info.type + "; this method feeds INT64 only");
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("model '" + modelName + "' needs inputs " + missing
                        + ", got " + inputs.keySet());
            }
            for (String name : inputs.keySet()) {
                if (!declared.containsKey(name)) {
                    throw new IllegalArgumentException("model '" + modelName + "' has no input '" + name
                            + "'; its inputs are " + declared.keySet());
                }
            }
        } catch (OrtException e) {
            throw new BackendException("cannot read the inputs of model '" + modelName + "'", e);
        }
    }

    private OnnxTensor toTensor(String name, long[][] rows) throws OrtException {
        int batch = rows.length;
        int length = batch == 0 ? 0 : rows[0].length;
        LongBuffer buffer = LongBuffer.allocate(batch * length);
        for (long[] row : rows) {
            if (row.length != length) {
                throw new IllegalArgumentException("input '" + name + "': rows differ in length (" + length + " and "
                        + row.length + "); pad them first");
            }
            buffer.put(row);
        }
        buffer.flip();
        return OnnxTensor.createTensor(environment, buffer, new long[] {batch, length});
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new BackendException("cannot close the ONNX Runtime session of model '" + modelName + "'", e);
        }
    }
}
