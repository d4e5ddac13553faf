package dev.detkit.api.tensor;

/** What a backend can do beyond inference, so callers can check before they rely on it. */
public enum Capability {
  /** Reverse-mode autograd: requires-grad, backward, grad. Needed for training. */
  AUTOGRAD("requires-grad, backward and grad"),
  /** Batch norm in training mode, updating running statistics as PyTorch does. */
  BATCH_NORM_TRAINING("batch norm in training mode with running-statistics update"),
  /** Float64 arithmetic (not only storage). */
  FLOAT64("float64 arithmetic"),
  /**
   * Channels-last storage ({@link Tensor#toChannelsLast()}): NCHW tensors kept NHWC-interleaved in
   * memory, which makes depthwise and 1x1 convolutions much faster on CPU.
   */
  CHANNELS_LAST("channels-last (NHWC) storage of NCHW tensors"),
  /**
   * {@link DType#BFLOAT16} tensors: casts, convolutions, matmuls and the element-wise ops of an
   * inference forward pass (whether the CPU runs them natively is a separate question: see {@code
   * dev.detkit.api.backend.ComputePrecision}).
   */
  BFLOAT16("bfloat16 tensors (convolutions and matmuls in bfloat16)"),
  /** A GPU or other accelerator is used. */
  ACCELERATOR("runs on an accelerator");

  private final String description;

  Capability(String description) {
    this.description = description;
  }

  /** One line a person can read. */
  public String description() {
    return description;
  }
}
