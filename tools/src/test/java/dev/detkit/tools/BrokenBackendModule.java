package dev.detkit.tools;

import dev.detkit.api.backend.BackendFactory;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;

/** A test-only backend whose native library "fails to load", registered through ServiceLoader. */
public final class BrokenBackendModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    bindBackend("broken", Factory.class);
  }

  static final class Factory implements BackendFactory {
    @Override
    public String description() {
      return "test backend that cannot load";
    }

    @Override
    public Backend create(RuntimeOptions options) {
      throw new IllegalStateException(
          "init failed", new UnsatisfiedLinkError("no libbroken.so in java.library.path"));
    }
  }
}
