package dev.detkit.backend.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.detkit.api.backend.NativeLibraryClaims;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.tensor.Kernels;
import java.util.EnumSet;
import java.util.Set;

/** The default backend: libtorch (CPU) through DJL's PyTorch engine, fully offline. */
public final class DjlBackend implements Backend {
  private final Kernels kernels;
  private final String version;

  /** {@code threads}: libtorch's intra-op threads, or 0 for its own choice. */
  DjlBackend(int threads) {
    NativeLibraryClaims.claim(
        NativeLibraryClaims.LIBTORCH, "libtorch 2.7.1 (DJL 0.36 PyTorch engine, backend 'djl')");
    // The native library comes from the pytorch-native-cpu jar; never try the network.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Engine engine = Engine.getEngine("PyTorch");
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
    PtNDManager manager = (PtNDManager) engine.newBaseManager(Device.cpu());
    this.kernels = new DjlKernels(manager);
    this.version = "DJL " + Engine.getDjlVersion() + ", PyTorch " + engine.getVersion() + " (CPU)";
  }

  @Override
  public String name() {
    return "djl";
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(
        Capability.AUTOGRAD,
        Capability.BATCH_NORM_TRAINING,
        Capability.FLOAT64,
        Capability.CHANNELS_LAST);
  }

  @Override
  public String limitations() {
    // DJL 0.36's JNI maps dtype codes 0-8 only (no bfloat16) and aborts the process on any other
    // (a bare C++ rethrow), so bfloat16 is refused in Java before a kernel could see it.
    return "no bfloat16 (DJL 0.36's PyTorch JNI has no bfloat16 type; --dtype bf16 runs on"
        + " --backend libtorch)";
  }

  @Override
  public int threads() {
    return JniUtils.getNumThreads();
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }
}
