package dev.detkit.heads.losses;

import dev.detkit.api.tensor.Tensor;

/** A loss between predicted and target regression values of the same shape. */
public interface RegressionLoss {

  /** The weighted loss; {@code weight} has the prediction's shape or is null. */
  Tensor forward(Tensor pred, Tensor target, Tensor weight, Double avgFactor);
}
