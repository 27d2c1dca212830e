package io.greenai.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.greenai.onnx.runtime.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Test helper: runs decoder graphs in ONNX Runtime on deterministic inputs of every type they
 * declare: token ids (int64 or int32), attention masks, position ids, and key/value caches filled
 * with noise seeded by the input's name, so two models that share an input name get the same values.
 *
 * @param batch rows
 * @param sequence new tokens per row (a graph that fixes the sequence dimension overrides it)
 * @param past cached tokens per row
 * @param vocabulary token ids are drawn from [1, vocabulary)
 */
record DecoderFeeds(int batch, int sequence, int past, int vocabulary) {

    /** Runs the model and returns every float output (float16 widened). */
    Map<String, FloatTensor> run(OnnxModel model) {
        return run(model, Map.of());
    }

    /**
     * Runs the model; the caches named in {@code keptHeads} hold only those heads of the full cache
     * (the one a model with every head gets), so a pruned model sees the same cached values.
     */
    Map<String, FloatTensor> run(OnnxModel model, Map<String, int[]> keptHeads) {
        return run(model, keptHeads, null);
    }

    /**
     * Runs the model on these token ids ({@code [batch][sequence]}, matching this record's sizes)
     * instead of random ones; the other inputs are filled as usual.
     */
    Map<String, FloatTensor> runTokens(OnnxModel model, long[][] ids) {
        if (ids.length != batch || ids[0].length != sequence) {
            throw new IllegalArgumentException("ids are " + ids.length + " x " + ids[0].length + ", feeds are for "
                    + batch + " x " + sequence);
        }
        return run(model, Map.of(), ids);
    }

    private Map<String, FloatTensor> run(OnnxModel model, Map<String, int[]> keptHeads, long[][] ids) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            try (OrtSession session = environment.createSession(model.proto().toByteArray(), options)) {
                for (Map.Entry<String, NodeInfo> entry : session.getInputInfo().entrySet()) {
                    inputs.put(entry.getKey(), tensor(environment, entry.getKey(),
                            (TensorInfo) entry.getValue().getInfo(), keptHeads.get(entry.getKey()), ids));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    Map<String, FloatTensor> outputs = new LinkedHashMap<>();
                    for (Map.Entry<String, OnnxValue> entry : result) {
                        OnnxTensor tensor = (OnnxTensor) entry.getValue();
                        OnnxJavaType type = tensor.getInfo().type;
                        if (type == OnnxJavaType.FLOAT || type == OnnxJavaType.FLOAT16) {
                            FloatBuffer buffer = tensor.getFloatBuffer();
                            float[] data = new float[buffer.remaining()];
                            buffer.get(data);
                            outputs.put(entry.getKey(), new FloatTensor(tensor.getInfo().getShape(), data));
                        }
                    }
                    return outputs;
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + model.name() + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor tensor(OrtEnvironment environment, String name, TensorInfo info, int[] heads, long[][] ids)
            throws OrtException {
        long[] shape = info.getShape().clone();
        String[] dims = info.getDimensionNames();
        boolean cache = name.startsWith("past");
        int length = name.contains("input_ids") || name.contains("position") ? fixedOr(shape, 1, sequence) : sequence;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0) {
                continue;
            }
            String dim = dims[i] == null ? "" : dims[i];
            if (dim.contains("batch")) {
                shape[i] = batch;
            } else if (cache) {
                shape[i] = past;
            } else if (dim.contains("total")) {
                shape[i] = past + length;
            } else {
                shape[i] = length;
            }
        }
        int count = 1;
        for (long dim : shape) {
            count *= (int) dim;
        }
        Random random = new Random(name.hashCode());
        long[] values = new long[count];
        if (name.contains("input_ids")) {
            for (int i = 0; i < count; i++) {
                values[i] = ids != null ? ids[i / ids[0].length][i % ids[0].length] : 1 + random.nextInt(vocabulary - 1);
            }
        } else if (name.contains("mask")) {
            java.util.Arrays.fill(values, 1);
        } else if (name.contains("position")) {
            for (int i = 0; i < count; i++) {
                values[i] = past + i % shape[shape.length - 1];
            }
        }
        return switch (info.type) {
            case INT64 -> OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
            case INT32 -> {
                int[] ints = new int[count];
                for (int i = 0; i < count; i++) {
                    ints[i] = (int) values[i];
                }
                yield OnnxTensor.createTensor(environment, IntBuffer.wrap(ints), shape);
            }
            case FLOAT -> {
                float[] floats = noise(name, shape, heads);
                yield OnnxTensor.createTensor(environment, FloatBuffer.wrap(floats), shape);
            }
            case FLOAT16 -> {
                float[] floats = noise(name, shape, heads);
                ByteBuffer buffer = ByteBuffer.allocateDirect(count * 2).order(ByteOrder.nativeOrder());
                for (int i = 0; i < count; i++) {
                    buffer.putShort(Halves.fromFloat(floats[i]));
                }
                buffer.rewind();
                yield OnnxTensor.createTensor(environment, buffer.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
            }
            default -> throw new IllegalArgumentException("cannot feed input '" + name + "' of type " + info.type);
        };
    }

    /**
     * Noise in [-0.5, 0.5) that depends on the input's name, the element's head (axis 2 of a rank-5
     * cache, axis 1 otherwise; mapped through {@code heads}) and its position on the other axes.
     */
    private static float[] noise(String name, long[] shape, int[] heads) {
        int axis = shape.length == 5 ? 2 : 1;
        int count = 1;
        for (long dim : shape) {
            count *= (int) dim;
        }
        float[] values = new float[count];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= (int) shape[i];
        }
        int headCount = shape.length > axis ? (int) shape[axis] : 1;
        for (int i = 0; i < count; i++) {
            int head = (i / inner) % headCount;
            int outer = i / (inner * headCount);
            int original = heads == null ? head : heads[head];
            long key = ((long) name.hashCode() << 32) ^ ((long) original << 24) ^ ((long) outer << 12) ^ (i % inner);
            values[i] = (float) (new Random(key).nextDouble() - 0.5);
        }
        return values;
    }

    private static int fixedOr(long[] shape, int axis, int fallback) {
        return shape.length > axis && shape[axis] > 0 ? (int) shape[axis] : fallback;
    }
}
