package dev.detkit.backend.nd4j;

import dev.detkit.api.backend.BackendFactory;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;

/** Registers the {@code nd4j} backend. */
public final class Nd4jBackendModule extends DetkitModule {

  @Override
  protected void configureComponents() {
    bindBackend("nd4j", Factory.class);
  }

  /** Creates {@link Nd4jBackend}. */
  static final class Factory implements BackendFactory {
    @Override
    public String description() {
      return "ND4J 1.0.0-M2.1, libnd4j oneDNN CPU build (inference only)";
    }

    @Override
    public Backend create(RuntimeOptions options) {
      return new Nd4jBackend();
    }
  }
}
