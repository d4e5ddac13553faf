package dev.detkit.heads.losses;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code L1Loss}: {@code |pred - target|}, weighted, reduced, times {@code loss_weight}.
 */
@Component(
    kind = ComponentKind.LOSS,
    name = "L1Loss",
    summary = "absolute error, weighted and averaged")
public final class L1Loss implements RegressionLoss {

  /**
   * mmdet's arguments.
   *
   * @param reduction how the element-wise loss is reduced: none, mean or sum (mean divides by
   *     avg_factor when the head gives one)
   * @param lossWeight weight of the loss (multiplies the reduced loss)
   */
  public record Args(@Default("mean") String reduction, @Default("1.0") double lossWeight) {
    public Args {
      WeightedReduction.checkReduction(reduction);
    }
  }

  private final Args args;

  public L1Loss(Args args) {
    this.args = args;
  }

  @Override
  public Tensor forward(Tensor pred, Tensor target, Tensor weight, Double avgFactor) {
    if (!java.util.Arrays.equals(pred.shape().dims(), target.shape().dims())) {
      throw new IllegalArgumentException(
          "L1Loss: pred " + pred.shape() + " and target " + target.shape() + " differ");
    }
    Tensor loss = pred.sub(target).abs();
    return WeightedReduction.reduce(loss, weight, args.reduction(), avgFactor)
        .mul(args.lossWeight());
  }
}
