package dev.detkit.api.tensor;

/**
 * Element types a detkit tensor can hold. Every backend supports all of them except {@link
 * #BFLOAT16}, which needs {@link Capability#BFLOAT16}.
 */
public enum DType {
  FLOAT32(4, true),
  FLOAT64(8, true),
  /**
   * bfloat16: float32's exponent with an 8-bit significand. An inference compute type (convolutions
   * and matmuls, accumulating in float32 inside the kernel), never a storage type for weights.
   */
  BFLOAT16(2, true),
  INT32(4, false),
  INT64(8, false),
  /** Unsigned bytes: decoded images. */
  UINT8(1, false),
  BOOL(1, false);

  private final int byteSize;
  private final boolean floating;

  DType(int byteSize, boolean floating) {
    this.byteSize = byteSize;
    this.floating = floating;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** True for FLOAT32, FLOAT64 and BFLOAT16. */
  public boolean isFloating() {
    return floating;
  }
}
