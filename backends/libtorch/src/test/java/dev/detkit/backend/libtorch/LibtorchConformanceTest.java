package dev.detkit.backend.libtorch;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.conformance.BackendConformanceSuite;
import dev.detkit.api.tensor.Backend;

/** Runs the shared conformance suite on the libtorch backend. */
class LibtorchConformanceTest extends BackendConformanceSuite {
  @Override
  protected Backend backend() {
    return Backends.get("libtorch");
  }
}
