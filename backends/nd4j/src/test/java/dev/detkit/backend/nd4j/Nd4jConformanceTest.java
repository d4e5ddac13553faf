package dev.detkit.backend.nd4j;

import dev.detkit.api.conformance.BackendConformanceSuite;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.testing.TestRuntime;

/** Runs the shared conformance suite on the ND4J backend. */
class Nd4jConformanceTest extends BackendConformanceSuite {
  @Override
  protected Backend backend() {
    return TestRuntime.backend("nd4j");
  }
}
