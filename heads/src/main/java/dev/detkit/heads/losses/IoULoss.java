package dev.detkit.heads.losses;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code IoULoss} over aligned box pairs ({@code [N, 4]} xyxy): {@code -log(max(iou, eps))}
 * ({@code mode=log}), {@code 1 - iou} (linear) or {@code 1 - iou^2} (square); per-box weight,
 * reduced, times {@code loss_weight}.
 */
@Component(
    kind = ComponentKind.LOSS,
    name = "IoULoss",
    summary = "-log(IoU) (or 1 - IoU) of aligned box pairs")
public final class IoULoss implements RegressionLoss {

  /**
   * mmdet's arguments.
   *
   * @param linear deprecated in mmdet: true means mode linear and overrides mode
   * @param eps floor of the IoU before the log, and of the union
   * @param reduction how the per-box loss is reduced: none, mean or sum (mean divides by avg_factor
   *     when the head gives one)
   * @param lossWeight weight of the loss
   * @param mode loss scaling: log (-log(iou)), linear (1 - iou) or square (1 - iou^2)
   */
  public record Args(
      @Default("false") boolean linear,
      @Default("1e-6") double eps,
      @Default("mean") String reduction,
      @Default("1.0") double lossWeight,
      @Default("log") String mode) {
    public Args {
      WeightedReduction.checkReduction(reduction);
      if (!mode.equals("log") && !mode.equals("linear") && !mode.equals("square")) {
        throw new IllegalArgumentException(
            "mode must be log, linear or square, got '" + mode + "'");
      }
    }
  }

  private final Args args;

  public IoULoss(Args args) {
    this.args = args;
  }

  @Override
  public Tensor forward(Tensor pred, Tensor target, Tensor weight, Double avgFactor) {
    Tensor w = GIoULoss.boxWeight(weight);
    if (w != null && GIoULoss.noPositiveWeight(w)) {
      return GIoULoss.zeroKeepingGraph(pred, w);
    }
    Tensor iou = AlignedOverlaps.iou(pred, target, args.eps()).maximum(args.eps());
    String mode = args.linear() ? "linear" : args.mode();
    Tensor loss =
        switch (mode) {
          case "linear" -> iou.neg().add(1);
          case "square" -> iou.mul(iou).neg().add(1);
          default -> iou.log().neg();
        };
    return WeightedReduction.reduce(loss, w, args.reduction(), avgFactor).mul(args.lossWeight());
  }
}
