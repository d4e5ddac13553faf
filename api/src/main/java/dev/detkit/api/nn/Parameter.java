package dev.detkit.api.nn;

import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;

/**
 * A named slot of a {@link Module} holding a tensor: a learnable parameter or a buffer (running
 * statistics, {@code num_batches_tracked}). The module owns the tensor; loading a checkpoint
 * replaces it. One Parameter may be registered under several names (tied weights): it is stored
 * once and listed under every alias in the state dict.
 */
public final class Parameter implements AutoCloseable {
  private Tensor value;
  private long version;
  private final boolean buffer;
  private boolean trainable;
  private Tensor cast;
  private long castVersion;

  Parameter(Tensor value, boolean buffer) {
    this.value = TensorScope.release(value);
    this.buffer = buffer;
    this.trainable = !buffer;
  }

  /** The current tensor. */
  public Tensor get() {
    return value;
  }

  /**
   * The tensor in {@code dtype}: itself when it already has that type, else a copy converted once
   * and kept until the tensor changes (inference in bfloat16 casts each weight once, not per call).
   * The copy belongs to this parameter. For inference: training computes in the stored dtype.
   */
  public Tensor get(DType dtype) {
    if (value.dtype() == dtype) {
      return value;
    }
    if (cast == null || cast.dtype() != dtype || castVersion != version) {
      dropCast();
      cast = TensorScope.release(value.toType(dtype));
      castVersion = version;
    }
    return cast;
  }

  private void dropCast() {
    if (cast != null) {
      cast.close();
      cast = null;
    }
  }

  /** Replaces the tensor (same shape), freeing the old one. */
  public void set(Tensor t) {
    if (!t.shape().equals(value.shape())) {
      throw new IllegalArgumentException(
          "parameter of shape " + value.shape() + " cannot take " + t.shape());
    }
    Tensor old = value;
    value = TensorScope.release(t);
    version++;
    if (old != t) {
      old.close();
    }
  }

  /**
   * Records an in-place change of the tensor (an optimizer step, a running-statistics update), so
   * that caches derived from it (the eval-mode BN folding) are rebuilt.
   */
  public void markModified() {
    version++;
  }

  /** Increases whenever the tensor is replaced or modified in place (derived caches compare it). */
  public long version() {
    return version;
  }

  public Shape shape() {
    return value.shape();
  }

  /** True for buffers (not learnable). */
  public boolean isBuffer() {
    return buffer;
  }

  /** False when frozen ({@code requires_grad=False}) or a buffer. */
  public boolean isTrainable() {
    return trainable && !buffer;
  }

  /** Freezes or unfreezes a learnable parameter. */
  public void setTrainable(boolean v) {
    trainable = v && !buffer;
  }

  @Override
  public void close() {
    dropCast();
    value.close();
  }
}
