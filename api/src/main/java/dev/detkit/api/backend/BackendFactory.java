package dev.detkit.api.backend;

import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;

/**
 * Creates one backend. Bound by name in a {@link dev.detkit.api.registry.DetkitModule}; {@link
 * Backends} calls {@link #create(RuntimeOptions)} once, on first use, because it loads native
 * libraries.
 */
public interface BackendFactory {

  /** One line for {@code ./detkit list backend}. */
  String description();

  /**
   * Loads the native library and returns the backend.
   *
   * @param options this process's runtime options (the backend applies {@link
   *     RuntimeOptions#threads()} to its native library)
   * @throws Throwable anything the native loader throws; {@link Backends} turns it into a one-line
   *     {@link BackendException}
   */
  Backend create(RuntimeOptions options) throws Throwable;
}
