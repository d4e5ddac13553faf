package dev.detkit.backend.nd4j;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.tensor.Kernels;
import java.util.EnumSet;
import java.util.Set;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J 1.0.0-M2.1 with the oneDNN CPU build of libnd4j. Inference only: no autograd. */
public final class Nd4jBackend implements Backend {
  private final Kernels kernels = new Nd4jKernels();
  private final String version;

  Nd4jBackend() {
    // The oneDNN build is the libnd4j variant shipped under the "-onednn" classifier.
    if (System.getProperty("javacpp.platform.extension") == null) {
      System.setProperty("javacpp.platform.extension", "-onednn");
    }
    // Touch the native library now, so a load failure surfaces here with its cause.
    Nd4j.create(1).close();
    this.version =
        "ND4J 1.0.0-M2.1, libnd4j " + Nd4j.getBackend().getClass().getSimpleName() + " (oneDNN)";
  }

  @Override
  public String name() {
    return "nd4j";
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.BATCH_NORM_TRAINING, Capability.FLOAT64);
  }

  @Override
  public String limitations() {
    return "no autograd (inference and train-mode batch-norm statistics only; training needs djl);"
        + " no channels-last storage; no bfloat16 (--dtype bf16 needs djl or libtorch)";
  }

  @Override
  public int threads() {
    return Nd4j.getEnvironment().maxThreads();
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }
}
