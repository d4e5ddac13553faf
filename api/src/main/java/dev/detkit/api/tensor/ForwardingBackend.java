package dev.detkit.api.tensor;

import dev.detkit.api.backend.Device;
import java.util.Set;

/**
 * A backend that wraps another and replaces only its kernels (profiling, ONNX recording): name,
 * version, capabilities, limitations, device and threads are the wrapped backend's.
 */
public abstract class ForwardingBackend implements Backend {
  /** The wrapped backend. */
  protected final Backend inner;

  protected ForwardingBackend(Backend inner) {
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public String version() {
    return inner.version();
  }

  @Override
  public Set<Capability> capabilities() {
    return inner.capabilities();
  }

  @Override
  public String limitations() {
    return inner.limitations();
  }

  @Override
  public Device device() {
    return inner.device();
  }

  @Override
  public int threads() {
    return inner.threads();
  }
}
