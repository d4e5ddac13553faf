package dev.detkit.backend.libtorch;

import dev.detkit.api.backend.Device;
import dev.detkit.api.backend.DeviceUnavailableException;
import dev.detkit.api.backend.NativeLibraryClaims;
import dev.detkit.api.distributed.DistributedEnv;
import dev.detkit.api.distributed.ProcessGroup;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.tensor.Kernels;
import java.util.EnumSet;
import java.util.Set;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch 2.10 through JavaCPP's PyTorch presets 1.5.13, fully offline. The default build is the
 * CPU one; the backend folder built with {@code -Pcuda} holds the {@code linux-x86_64-gpu} natives
 * instead, and then {@code --device cuda[:N]} places every tensor on that GPU.
 */
public final class LibtorchBackend implements Backend {
  static final String NAME = "libtorch";

  /** What this backend loads, for the one-libtorch-per-process message. */
  static final String LIBRARY =
      "libtorch 2.10.0 (JavaCPP PyTorch presets 1.5.13, backend 'libtorch')";

  /** Where the GPU natives jar keeps its libraries; absent from the CPU build. */
  static final String GPU_NATIVES = "org/bytedeco/pytorch/linux-x86_64-gpu/libjnitorch.so";

  private final Kernels kernels;
  private final Device device;
  private final boolean gpuBuild;

  /**
   * {@code threads}: libtorch's intra-op threads, or 0 for its own choice; {@code device}: where
   * every tensor lives ({@code --device}).
   */
  LibtorchBackend(int threads, Device device) {
    NativeLibraryClaims.claim(NativeLibraryClaims.LIBTORCH, LIBRARY);
    // JavaCPP refuses allocations once the process's resident memory passes twice the Java heap;
    // here the tensors live in libtorch's allocator, not in JavaCPP's, so that limit only misfires.
    setIfAbsent("org.bytedeco.javacpp.maxBytes", "0");
    setIfAbsent("org.bytedeco.javacpp.maxPhysicalBytes", "0");
    this.gpuBuild = LibtorchBackend.class.getClassLoader().getResource(GPU_NATIVES) != null;
    loadNatives(gpuBuild);
    if (threads > 0) {
      torch.set_num_threads(threads);
    }
    this.device = device;
    this.kernels = new LibtorchKernels(device.isCpu() ? null : cudaDevice(device, gpuBuild));
  }

  /**
   * JavaCPP finds the {@code linux-x86_64-gpu} natives only with the {@code -gpu} platform
   * extension, read once per JavaCPP copy: this class loader's copy reads it here, and the property
   * is restored at once so that ND4J's JavaCPP (on the application class path) never sees it.
   */
  private static void loadNatives(boolean gpuBuild) {
    String key = "org.bytedeco.javacpp.platform.extension";
    String saved = System.getProperty(key);
    if (gpuBuild) {
      System.setProperty(key, "-gpu");
    }
    try {
      Loader.loadProperties();
      Loader.load(torch.class);
    } finally {
      if (gpuBuild) {
        if (saved == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, saved);
        }
      }
    }
  }

  /**
   * libtorch's own answer (torch::cuda::is_available and device_count) decides; the CPU build
   * always answers no.
   */
  static org.bytedeco.pytorch.Device cudaDevice(Device device, boolean gpuBuild) {
    int count = torch.cuda_is_available() ? torch.cuda_device_count() : 0;
    if (count == 0) {
      throw new DeviceUnavailableException(
          "--device "
              + device
              + (gpuBuild
                  ? ": libtorch 2.10.0 (GPU build) sees no CUDA device; check the NVIDIA driver"
                      + " (nvidia-smi) and CUDA_VISIBLE_DEVICES"
                  : ": libtorch 2.10.0 (CPU build) sees no CUDA device; build the backend with"
                      + " -Pcuda on a machine with an NVIDIA GPU and driver"));
    }
    if (device.index() >= count) {
      throw new DeviceUnavailableException(
          "--device "
              + device
              + ": libtorch 2.10.0 sees "
              + count
              + " CUDA device"
              + (count == 1 ? " (cuda:0)" : "s (cuda:0 to cuda:" + (count - 1) + ")"));
    }
    return new org.bytedeco.pytorch.Device(torch.DeviceType.CUDA, (byte) device.indexOrZero());
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return "JavaCPP 1.5.13 PyTorch presets, libtorch 2.10.0 ("
        + (gpuBuild ? "GPU build" : "CPU build")
        + (device.isCpu() ? "" : ", on " + device)
        + ")";
  }

  @Override
  public Device device() {
    return device;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(
        Capability.AUTOGRAD,
        Capability.BATCH_NORM_TRAINING,
        Capability.FLOAT64,
        Capability.CHANNELS_LAST,
        Capability.BFLOAT16);
  }

  @Override
  public String limitations() {
    return "";
  }

  @Override
  public int threads() {
    return torch.get_num_threads();
  }

  /**
   * Rendezvous through a TCPStore on rank 0, then Gloo over TCP for CPU tensors, NCCL (which the
   * presets map as {@code ProcessGroupNCCL}) for CUDA tensors.
   */
  @Override
  public ProcessGroup processGroup(DistributedEnv env) {
    return new GlooProcessGroup(env, !device.isCpu());
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }
}
