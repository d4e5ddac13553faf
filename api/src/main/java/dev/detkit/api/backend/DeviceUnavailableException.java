package dev.detkit.api.backend;

/**
 * A backend cannot place tensors on the requested {@link Device} (no GPU, a CPU-only build, an
 * index past the device count). The message is the whole one-line explanation, starting with {@code
 * --device ...:}; {@link Backends} passes it on unchanged.
 */
public final class DeviceUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeviceUnavailableException(String message) {
    super(message);
  }
}
