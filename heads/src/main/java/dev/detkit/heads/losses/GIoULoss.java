package dev.detkit.heads.losses;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code GIoULoss} over aligned box pairs ({@code [N, 4]} xyxy): {@code 1 - giou}, per-box
 * weight ({@code [N]}, or {@code [N, 4]} averaged over the last axis), reduced, times {@code
 * loss_weight}. Without any positive weight it returns {@code sum(pred * weight)}: a zero that
 * keeps the graph, as mmdet does.
 */
@Component(
    kind = ComponentKind.LOSS,
    name = "GIoULoss",
    summary = "1 - generalised IoU of aligned box pairs")
public final class GIoULoss implements RegressionLoss {

  /**
   * mmdet's arguments.
   *
   * @param eps floor of the union and of the enclosing box's area, to avoid dividing by zero
   * @param reduction how the per-box loss is reduced: none, mean or sum (mean divides by avg_factor
   *     when the head gives one)
   * @param lossWeight weight of the loss (ATSS and GFL configs: 2.0)
   */
  public record Args(
      @Default("1e-6") double eps,
      @Default("mean") String reduction,
      @Default("1.0") double lossWeight) {
    public Args {
      WeightedReduction.checkReduction(reduction);
    }
  }

  private final Args args;

  public GIoULoss(Args args) {
    this.args = args;
  }

  @Override
  public Tensor forward(Tensor pred, Tensor target, Tensor weight, Double avgFactor) {
    Tensor w = boxWeight(weight);
    if (w != null && noPositiveWeight(w)) {
      return zeroKeepingGraph(pred, w);
    }
    Tensor loss = AlignedOverlaps.giou(pred, target, args.eps()).neg().add(1);
    return WeightedReduction.reduce(loss, w, args.reduction(), avgFactor).mul(args.lossWeight());
  }

  /** A {@code [N, 4]} weight becomes its per-box mean, as mmdet's IoU losses do. */
  static Tensor boxWeight(Tensor weight) {
    return weight != null && weight.rank() > 1 ? weight.mean(weight.rank() - 1) : weight;
  }

  static boolean noPositiveWeight(Tensor w) {
    for (float v : w.toFloatArray()) {
      if (v > 0) {
        return false;
      }
    }
    return true;
  }

  static Tensor zeroKeepingGraph(Tensor pred, Tensor w) {
    Tensor p = pred.rank() > 1 ? pred.sum(-1) : pred;
    return p.mul(w).sum();
  }
}
