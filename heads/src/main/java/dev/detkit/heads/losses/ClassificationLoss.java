package dev.detkit.heads.losses;

import dev.detkit.api.tensor.Tensor;

/**
 * A loss over class logits and integer labels, PyTorch's layout: logits {@code [N, C, d1, ...]},
 * labels and weights {@code [N, d1, ...]}; label C means background.
 */
public interface ClassificationLoss {

  /**
   * The weighted loss; {@code weight} is per row ({@code [N]}) or null, {@code avgFactor} null for
   * a plain mean.
   */
  Tensor forward(Tensor logits, Tensor labels, Tensor weight, Double avgFactor);
}
