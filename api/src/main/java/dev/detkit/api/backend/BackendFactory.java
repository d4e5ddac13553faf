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

  /**
   * Whether {@link #create(RuntimeOptions, Device)} can place tensors on a device other than the
   * CPU. {@link Backends} refuses any other device in one line for factories that leave this false.
   */
  default boolean acceleratorCapable() {
    return false;
  }

  /**
   * The backend with its tensors on {@code device}; only called with a non-CPU device when {@link
   * #acceleratorCapable()}.
   *
   * @throws DeviceUnavailableException when the device is not there (a one-line message)
   * @throws Throwable as {@link #create(RuntimeOptions)}
   */
  default Backend create(RuntimeOptions options, Device device) throws Throwable {
    return create(options);
  }
}
