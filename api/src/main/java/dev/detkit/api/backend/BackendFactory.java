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

  /**
   * Whether {@link #create(Device)} can place tensors on a device other than the CPU. {@link
   * Backends} refuses any other device in one line for factories that leave this false.
   */
  default boolean acceleratorCapable() {
    return false;
  }

  /**
   * The backend with its tensors on {@code device}; only called with a non-CPU device when {@link
   * #acceleratorCapable()}.
   *
   * @throws DeviceUnavailableException when the device is not there (a one-line message)
   * @throws Throwable as {@link #create()}
   */
  default Backend create(Device device) throws Throwable {
    return create();
  }
}
