package dev.detkit.backend.djl;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.conformance.BackendConformanceSuite;
import dev.detkit.api.tensor.Backend;

/** Runs the shared conformance suite on the DJL backend. */
class DjlConformanceTest extends BackendConformanceSuite {
  @Override
  protected Backend backend() {
    return Backends.get("djl");
  }
}
