package dev.detkit.backend.libtorch;

import dev.detkit.api.conformance.BackendConformanceSuite;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.testing.TestRuntime;

/**
 * The conformance suite on libtorch kernels built for an explicit device: the CPU, the only one
 * this machine has, so every device path runs (host arrays copied with {@code to(device)}, creation
 * options carrying the device, scalars and gradient seeds made with their operand's options) and
 * must give what the plain CPU kernels give.
 */
class LibtorchExplicitDeviceConformanceTest extends BackendConformanceSuite {
  // One instance: tensors of one test must share their backend object.
  private static Backend backend;

  @Override
  protected Backend backend() {
    if (backend == null) {
      backend = new LibtorchDeviceTest.ExplicitDeviceBackend(TestRuntime.backend("libtorch"));
    }
    return backend;
  }
}
