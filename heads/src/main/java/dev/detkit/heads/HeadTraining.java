package dev.detkit.heads;

import dev.detkit.heads.assign.Assigner;
import dev.detkit.heads.assign.Sampler;
import dev.detkit.heads.losses.ClassificationLoss;
import dev.detkit.heads.losses.RegressionLoss;

/**
 * What a dense head needs to compute its loss: the built losses and, when the detector has a {@code
 * train_cfg}, its assigner and sampler (null otherwise: such a head only predicts).
 */
public record HeadTraining(
    ClassificationLoss lossCls,
    RegressionLoss lossBbox,
    Assigner assigner,
    Sampler sampler,
    TrainCfg trainCfg) {
  /** {@code t}, which must carry an assigner: a head without a train_cfg cannot compute targets. */
  static HeadTraining required(HeadTraining t) {
    if (t == null || t.assigner() == null) {
      throw new IllegalStateException(
          "the head has no train_cfg (model.train_cfg with an assigner is needed to train)");
    }
    return t;
  }
}
