package dev.detkit.api.checkpoint;

import dev.detkit.api.tensor.DType;

/** Element types as checkpoints store them (safetensors' names). */
public enum StoredType {
  F64(8, DType.FLOAT64),
  F32(4, DType.FLOAT32),
  F16(2, DType.FLOAT32),
  BF16(2, DType.FLOAT32),
  I64(8, DType.INT64),
  I32(4, DType.INT32),
  I16(2, DType.INT32),
  I8(1, DType.INT32),
  U8(1, DType.UINT8),
  BOOL(1, DType.BOOL);

  private final int bytes;
  private final DType natural;

  StoredType(int bytes, DType natural) {
    this.bytes = bytes;
    this.natural = natural;
  }

  /** The type of a safetensors {@code dtype} name; an unknown name lists the known ones. */
  public static StoredType named(String name) {
    for (StoredType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown dtype '"
            + name
            + "' (expected one of "
            + java.util.Arrays.toString(values()).replaceAll("[\\[\\]]", "")
            + ")");
  }

  /** True for the floating-point types. */
  public boolean isFloat() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  public int bytes() {
    return bytes;
  }

  /** The tensor dtype values of this type load into by default. */
  public DType natural() {
    return natural;
  }

  /** The stored type a tensor dtype is saved as. */
  public static StoredType of(DType t) {
    return switch (t) {
      case FLOAT32 -> F32;
      case FLOAT64 -> F64;
      case BFLOAT16 -> BF16;
      case INT32 -> I32;
      case INT64 -> I64;
      case UINT8 -> U8;
      case BOOL -> BOOL;
    };
  }
}
