package dev.detkit.backend.djl;

import dev.detkit.api.backend.BackendFactory;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;

/** Registers the {@code djl} backend. */
public final class DjlBackendModule extends DetkitModule {

  @Override
  protected void configureComponents() {
    bindBackend("djl", Factory.class);
  }

  /** Creates {@link DjlBackend}. */
  static final class Factory implements BackendFactory {
    @Override
    public String description() {
      return "DJL 0.36 PyTorch engine, libtorch CPU";
    }

    @Override
    public Backend create(RuntimeOptions options) {
      return new DjlBackend(options.threads());
    }
  }
}
