package dev.detkit.backend.libtorch;

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

/** libtorch 2.10 (CPU) through JavaCPP's PyTorch presets 1.5.13, fully offline. */
public final class LibtorchBackend implements Backend {
  static final String NAME = "libtorch";

  /** What this backend loads, for the one-libtorch-per-process message. */
  static final String LIBRARY =
      "libtorch 2.10.0 (JavaCPP PyTorch presets 1.5.13, backend 'libtorch')";

  private final Kernels kernels;

  /** {@code threads}: libtorch's intra-op threads, or 0 for its own choice. */
  LibtorchBackend(int threads) {
    NativeLibraryClaims.claim(NativeLibraryClaims.LIBTORCH, LIBRARY);
    // JavaCPP refuses allocations once the process's resident memory passes twice the Java heap;
    // here the tensors live in libtorch's allocator, not in JavaCPP's, so that limit only misfires.
    setIfAbsent("org.bytedeco.javacpp.maxBytes", "0");
    setIfAbsent("org.bytedeco.javacpp.maxPhysicalBytes", "0");
    Loader.load(torch.class);
    if (threads > 0) {
      torch.set_num_threads(threads);
    }
    this.kernels = new LibtorchKernels();
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
    return "JavaCPP 1.5.13 PyTorch presets, libtorch 2.10.0 (CPU)";
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

  /** Gloo over TCP, rendezvous through a TCPStore on rank 0. */
  @Override
  public ProcessGroup processGroup(DistributedEnv env) {
    return new GlooProcessGroup(env);
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }
}
