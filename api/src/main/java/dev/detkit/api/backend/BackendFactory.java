package dev.detkit.api.backend;

import dev.detkit.api.tensor.Backend;

/**
 * Creates one backend. Bound by name in a {@link dev.detkit.api.registry.DetkitModule}; {@link
 * Backends} calls {@link #create()} once, on first use, because it loads native libraries.
 */
public interface BackendFactory {

  /** One line for {@code ./detkit list backend}. */
  String description();

  /**
   * Loads the native library and returns the backend.
   *
   * @throws Throwable anything the native loader throws; {@link Backends} turns it into a one-line
   *     {@link BackendException}
   */
  Backend create() throws Throwable;
}
