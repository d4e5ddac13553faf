package dev.detkit.heads;

import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentConfig;
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
  /**
   * The losses a config names and, with a {@code train_cfg}, its assigner and sampler ({@code
   * lossCls} may be null for heads whose classification loss is not a {@link ClassificationLoss}).
   */
  public static HeadTraining build(
      ComponentConfig lossCls, ComponentConfig lossBbox, TrainCfg t, BuildContext ctx) {
    ClassificationLoss cls = lossCls == null ? null : ctx.build(lossCls, ClassificationLoss.class);
    RegressionLoss reg = ctx.build(lossBbox, RegressionLoss.class);
    if (t == null) {
      return new HeadTraining(cls, reg, null, null, null);
    }
    return new HeadTraining(
        cls,
        reg,
        ctx.build(t.assigner(), Assigner.class),
        ctx.build(t.sampler(), Sampler.class),
        t);
  }

  /** The training parts of an anchor head's config. */
  public static HeadTraining build(AnchorHeadParts a, BuildContext ctx) {
    return build(a.lossCls(), a.lossBbox(), a.trainCfg(), ctx);
  }

  /** {@code t}, which must carry an assigner: a head without a train_cfg cannot compute targets. */
  static HeadTraining required(HeadTraining t) {
    if (t == null || t.assigner() == null) {
      throw new IllegalStateException(
          "the head has no train_cfg (model.train_cfg with an assigner is needed to train)");
    }
    return t;
  }
}
