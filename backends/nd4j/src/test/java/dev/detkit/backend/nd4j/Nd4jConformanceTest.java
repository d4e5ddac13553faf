package dev.detkit.backend.nd4j;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.conformance.BackendConformanceSuite;
import dev.detkit.api.tensor.Backend;

/** Runs the shared conformance suite on the ND4J backend. */
class Nd4jConformanceTest extends BackendConformanceSuite {
  @Override
  protected Backend backend() {
    return Backends.get("nd4j");
  }
}
