package io.greenai.onnx.runtime;

import ai.djl.onnxruntime.engine.OrtEngineProvider;
import ai.onnxruntime.OrtEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one ONNX Runtime environment, made so that DJL's OnnxRuntime engine can share it.
 *
 * <p>ONNX Runtime allows one environment per process. DJL's engine creates it with global thread
 * options, which ONNX Runtime refuses once an environment exists ("Tried to specify the thread pool
 * when creating an OrtEnvironment, but one already exists"). So the first GreenAI session lets DJL's
 * engine create the environment, and every session then uses that one: GreenAI sessions and DJL
 * models can live in one process in either order.
 */
final class OrtEnvironments {

    private static final Logger LOG = LoggerFactory.getLogger(OrtEnvironments.class);

    private OrtEnvironments() {
    }

    static OrtEnvironment get() {
        Holder.ensureDjlEngine();
        return OrtEnvironment.getEnvironment();
    }

    /** Initialises DJL's engine once, on first use (not in a static initialiser of a public class). */
    private static final class Holder {
        private static final boolean DJL_ENGINE = start();

        static void ensureDjlEngine() {
            if (!DJL_ENGINE) {
                LOG.debug("DJL's OnnxRuntime engine is not available; GreenAI uses its own ONNX Runtime environment");
            }
        }

        private static boolean start() {
            try {
                new OrtEngineProvider().getEngine();
                return true;
            } catch (RuntimeException | LinkageError e) {
                // The environment existed already (made by other code in this process): GreenAI still
                // works on it, and DJL models cannot load in this process. Say so once.
                LOG.warn("DJL's OnnxRuntime engine could not start, so DJL models cannot be loaded in this process: "
                        + "{}", e.toString());
                return false;
            }
        }
    }
}
