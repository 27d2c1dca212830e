package io.greenai.core.energy;

/**
 * Loads the NVML library. Called at most once per meter, and only when the meter is first probed,
 * so that a machine without an NVIDIA driver never loads anything.
 */
@FunctionalInterface
interface NvmlLoader {

    /**
     * Loads NVML.
     *
     * @return the bound library
     * @throws LinkageError if the library (or JNA's own native part) cannot be loaded
     */
    Nvml load();
}
