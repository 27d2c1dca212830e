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
