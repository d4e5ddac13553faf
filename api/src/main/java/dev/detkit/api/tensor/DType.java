package dev.detkit.api.tensor;

/** Element types a detkit tensor can hold. Every backend supports all of them. */
public enum DType {
  FLOAT32(4, true),
  FLOAT64(8, true),
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

  /** True for FLOAT32 and FLOAT64. */
  public boolean isFloating() {
    return floating;
  }
}
