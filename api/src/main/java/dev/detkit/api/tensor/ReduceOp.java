package dev.detkit.api.tensor;

/** Reductions over one or more axes. */
public enum ReduceOp {
  SUM,
  MEAN,
  MAX,
  MIN
}
