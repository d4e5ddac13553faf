package dev.detkit.api.tensor;

/** Turns gradient recording on or off for the current thread and restores it on close. */
public final class GradientScope implements AutoCloseable {
  private final Kernels kernels;
  private final boolean previous;

  GradientScope(Kernels kernels, boolean enabled) {
    this.kernels = kernels;
    this.previous = kernels.setGradEnabled(enabled);
  }

  @Override
  public void close() {
    kernels.setGradEnabled(previous);
  }
}
