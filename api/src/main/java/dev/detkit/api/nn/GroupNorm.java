package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;

/**
 * {@code nn.GroupNorm} (mmcv's GN): the channels are split into {@code num_groups} groups and each
 * sample's group is normalised with its own mean and biased variance, then scaled and shifted per
 * channel ({@code weight}, {@code bias}). It has no running statistics, so training and evaluation
 * compute the same thing and the result does not depend on the batch — why mmdetection trains from
 * scratch with GN.
 */
public final class GroupNorm extends Layer implements NormLayer {
  private final Parameter weight;
  private final Parameter bias;
  private final int channels;
  private final int groups;
  private final double eps;

  public GroupNorm(Backend b, int channels, NormCfg cfg) {
    if (!cfg.isGroupNorm()) {
      throw new IllegalArgumentException("GroupNorm needs norm_cfg type GN, got " + cfg.type());
    }
    if (channels % cfg.numGroups() != 0) {
      throw new IllegalArgumentException(
          "norm_cfg GN: "
              + channels
              + " channels cannot be split into num_groups="
              + cfg.numGroups()
              + " equal groups");
    }
    this.channels = channels;
    this.groups = cfg.numGroups();
    this.eps = cfg.eps();
    weight = parameter("weight", b.ones(DType.FLOAT32, channels));
    bias = parameter("bias", b.zeros(DType.FLOAT32, channels));
    if (!cfg.requiresGrad()) {
      weight.setTrainable(false);
      bias.setTrainable(false);
    }
  }

  @Override
  public Parameter weight() {
    return weight;
  }

  @Override
  public Parameter bias() {
    return bias;
  }

  public int numGroups() {
    return groups;
  }

  public double eps() {
    return eps;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.rank() != 4 || x.dim(1) != channels) {
      throw new IllegalArgumentException(
          "GroupNorm(" + channels + " channels): expected an NCHW input, got " + x.shape());
    }
    if (x.dtype() != weight.get().dtype()) {
      // As autocast runs group_norm: statistics in float32, the result in the input's dtype.
      try (TensorScope scope = TensorScope.open()) {
        return scope.handOut(forward(x.toType(weight.get().dtype())).toType(x.dtype()));
      }
    }
    int n = x.dim(0);
    int h = x.dim(2);
    int w = x.dim(3);
    Backend b = x.backend();
    try (TensorScope scope = TensorScope.open()) {
      // Each (sample, group) as one batch-norm channel of a batch of one: batch statistics are
      // then exactly the group's mean and biased variance, in the backend's fused kernel (with
      // its gradient); the throw-away running statistics are not read.
      int rows = n * groups;
      Tensor grouped = x.reshape(1, rows, channels / groups * h, w);
      Tensor normed =
          grouped.batchNorm(
              b.zeros(DType.FLOAT32, rows),
              b.ones(DType.FLOAT32, rows),
              b.ones(DType.FLOAT32, rows),
              b.zeros(DType.FLOAT32, rows),
              true,
              0.0,
              eps);
      Tensor y =
          normed
              .reshape(n, channels, h, w)
              .mul(weight.get().reshape(1, channels, 1, 1))
              .add(bias.get().reshape(1, channels, 1, 1));
      FlopCounter.record(this, "group_norm", 2 * x.size());
      return scope.handOut(y);
    }
  }
}
