package io.greenai.core.energy;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.greenai.core.GreenAiException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@link Nvml} bound to libnvidia-ml through JNA. Nothing is loaded until {@link #load} runs, which
 * the meter does on its first probe.
 */
final class JnaNvml implements Nvml {

    /**
     * Library names tried in turn: the linker name, the name every NVIDIA driver installs on Linux
     * (the unversioned link comes only with development packages), and the Windows DLL.
     */
    static final List<String> LIBRARY_NAMES = List.of("nvidia-ml", "libnvidia-ml.so.1", "nvml");

    private static final int NVML_SUCCESS = 0;
    private static final int NVML_ERROR_NOT_SUPPORTED = 3;
    private static final int NVML_DEVICE_NAME_BUFFER_SIZE = 96;

    /** The C functions, declared as in nvml.h; return values are nvmlReturn_t codes. */
    interface Library extends com.sun.jna.Library {
        int nvmlInit_v2();

        int nvmlShutdown();

        String nvmlErrorString(int result);

        int nvmlDeviceGetCount_v2(IntByReference deviceCount);

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetName(Pointer device, byte[] name, int length);

        int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference energy);

        int nvmlDeviceGetPowerUsage(Pointer device, IntByReference power);
    }

    private final Library library;

    private JnaNvml(Library library) {
        this.library = library;
    }

    /**
     * Returns a loader that tries the given library names in turn.
     *
     * @param names library names as JNA takes them, e.g. {@code nvidia-ml}
     * @return the loader; it throws {@link UnsatisfiedLinkError} naming every attempt if none loads
     */
    static NvmlLoader loader(List<String> names) {
        List<String> copy = List.copyOf(names);
        return () -> load(copy);
    }

    private static Nvml load(List<String> names) {
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            try {
                return new JnaNvml(Native.load(name, Library.class));
            } catch (UnsatisfiedLinkError e) {
                failures.add(summary(e.getMessage()));
            }
        }
        throw new UnsatisfiedLinkError("cannot load NVML (" + String.join("; ", failures) + ")");
    }

    /** JNA's message, one line per place it looked; the first two say what failed and why. */
    private static String summary(String message) {
        if (message == null) {
            return "no message";
        }
        String[] lines = message.strip().split("\\R");
        return lines.length == 1 ? lines[0] : lines[0] + " " + lines[1];
    }

    @Override
    public void init() {
        check(library.nvmlInit_v2(), "nvmlInit_v2()");
    }

    @Override
    public void shutdown() {
        check(library.nvmlShutdown(), "nvmlShutdown()");
    }

    @Override
    public int deviceCount() {
        IntByReference count = new IntByReference();
        check(library.nvmlDeviceGetCount_v2(count), "nvmlDeviceGetCount_v2()");
        return count.getValue();
    }

    @Override
    public String deviceName(int device) {
        byte[] name = new byte[NVML_DEVICE_NAME_BUFFER_SIZE];
        check(library.nvmlDeviceGetName(handle(device), name, name.length), "nvmlDeviceGetName(device " + device + ")");
        return Native.toString(name);
    }

    @Override
    public OptionalLong totalEnergyMillijoules(int device) {
        LongByReference energy = new LongByReference();
        int result = library.nvmlDeviceGetTotalEnergyConsumption(handle(device), energy);
        if (result == NVML_ERROR_NOT_SUPPORTED) {
            return OptionalLong.empty();
        }
        check(result, "nvmlDeviceGetTotalEnergyConsumption(device " + device + ")");
        return OptionalLong.of(energy.getValue());
    }

    @Override
    public long powerMilliwatts(int device) {
        IntByReference power = new IntByReference();
        check(library.nvmlDeviceGetPowerUsage(handle(device), power), "nvmlDeviceGetPowerUsage(device " + device + ")");
        return Integer.toUnsignedLong(power.getValue());
    }

    private Pointer handle(int device) {
        PointerByReference handle = new PointerByReference();
        check(library.nvmlDeviceGetHandleByIndex_v2(device, handle), "nvmlDeviceGetHandleByIndex_v2(" + device + ")");
        return handle.getValue();
    }

    private void check(int result, String call) {
        if (result != NVML_SUCCESS) {
            throw new GreenAiException(call + " failed: " + library.nvmlErrorString(result) + " (nvmlReturn_t "
                    + result + ")");
        }
    }
}
