package dev.detkit.backend.djl;

import dev.detkit.api.conformance.BackendConformanceSuite;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.testing.TestRuntime;

/** Runs the shared conformance suite on the DJL backend. */
class DjlConformanceTest extends BackendConformanceSuite {
  @Override
  protected Backend backend() {
    return TestRuntime.backend("djl");
  }
}
