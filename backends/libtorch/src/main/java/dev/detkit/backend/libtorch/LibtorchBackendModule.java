package dev.detkit.backend.libtorch;

import dev.detkit.api.backend.BackendFactory;
import dev.detkit.api.backend.Device;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;

/** Registers the {@code libtorch} backend. Its natives load only when it is chosen. */
public final class LibtorchBackendModule extends DetkitModule {

  @Override
  protected void configureComponents() {
    bindBackend(LibtorchBackend.NAME, Factory.class);
  }

  /** Creates {@link LibtorchBackend}. */
  static final class Factory implements BackendFactory {
    @Override
    public String description() {
      return "libtorch 2.10 through JavaCPP's PyTorch presets (Gloo collectives; CUDA and NCCL"
          + " with the -Pcuda build)";
    }

    @Override
    public Backend create(RuntimeOptions options) {
      return new LibtorchBackend(options.threads(), Device.CPU);
    }

    @Override
    public boolean acceleratorCapable() {
      return true;
    }

    @Override
    public Backend create(RuntimeOptions options, Device device) {
      return new LibtorchBackend(options.threads(), device);
    }
  }
}
