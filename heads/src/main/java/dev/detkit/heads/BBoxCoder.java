package dev.detkit.heads;

import dev.detkit.api.tensor.Tensor;

/** Encodes ground-truth boxes against priors into regression targets and decodes predictions. */
public interface BBoxCoder {

  /** Regression targets of {@code gts} ({@code [N, 4]}) relative to {@code priors}. */
  Tensor encode(Tensor priors, Tensor gts);

  /**
   * Boxes ({@code [N, 4]}) from {@code priors} and predictions, clipped to {@code maxShape} (h, w)
   * when the coder clips and {@code maxShape} is not null.
   */
  Tensor decode(Tensor priors, Tensor preds, int[] maxShape);
}
