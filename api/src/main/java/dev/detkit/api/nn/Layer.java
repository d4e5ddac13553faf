package dev.detkit.api.nn;

import dev.detkit.api.tensor.Tensor;

/** A module with one input and one output. */
public abstract class Layer extends Module {
  /** Runs the layer. */
  public abstract Tensor forward(Tensor x);
}
