package dev.detkit.backend.libtorch;

import dev.detkit.api.conformance.BackendConformanceSuite;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.testing.TestRuntime;

/** Runs the shared conformance suite on the libtorch backend. */
class LibtorchConformanceTest extends BackendConformanceSuite {
  @Override
  protected Backend backend() {
    return TestRuntime.backend("libtorch");
  }
}
