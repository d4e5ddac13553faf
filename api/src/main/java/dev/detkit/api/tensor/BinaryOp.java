package dev.detkit.api.tensor;

/** Element-wise binary operations, all broadcasting by NumPy/PyTorch rules. */
public enum BinaryOp {
  ADD,
  SUB,
  MUL,
  DIV,
  MAXIMUM,
  MINIMUM,
  POW,
  // Comparisons and logic produce BOOL tensors.
  EQ,
  NE,
  GT,
  GE,
  LT,
  LE,
  AND,
  OR;

  /** True when the result is a BOOL tensor. */
  public boolean isComparison() {
    return ordinal() >= EQ.ordinal();
  }
}
