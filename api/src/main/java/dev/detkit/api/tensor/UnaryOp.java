package dev.detkit.api.tensor;

/** Element-wise unary operations. */
public enum UnaryOp {
  NEG,
  ABS,
  EXP,
  LOG,
  SQRT,
  FLOOR,
  CEIL,
  RELU,
  SIGMOID,
  /** {@code x * sigmoid(x)}, also called Swish. */
  SILU,
  /** {@code log(1 + exp(x))}, without overflow for large {@code |x|}. */
  SOFTPLUS,
  /** Logical not of a BOOL tensor. */
  NOT,
  /** BOOL result: true where the element is NaN. */
  IS_NAN
}
