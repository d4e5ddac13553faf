package dev.detkit.heads.losses;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet EfficientDet's {@code HuberLoss} (the TF/Keras Huber, not smooth-L1): with {@code d = |pred
 * - target|}, {@code 0.5 d^2} where {@code d < beta}, else {@code beta d - 0.5 beta^2}; weighted
 * element-wise, reduced by {@code sum / avg_factor} (or the reduction), times {@code loss_weight}.
 * Unlike smooth-L1 the quadratic branch is not divided by beta.
 */
@Component(
    kind = ComponentKind.LOSS,
    name = "HuberLoss",
    summary = "TF/Keras Huber: 0.5 d^2 below beta, beta d - 0.5 beta^2 above (EfficientDet)")
public final class HuberLoss implements RegressionLoss {

  /**
   * mmdet's arguments.
   *
   * @param beta where the loss turns from quadratic to linear (EfficientDet: 0.1)
   * @param reduction none, mean or sum (mean divides by avg_factor when one is given)
   * @param lossWeight multiplies the reduced loss (EfficientDet: 50)
   */
  public record Args(
      @Default("1.0") double beta,
      @Default("mean") String reduction,
      @Default("1.0") double lossWeight) {
    public Args {
      if (!(beta > 0)) {
        throw new IllegalArgumentException("beta must be positive, got " + beta);
      }
      WeightedReduction.checkReduction(reduction);
    }
  }

  private final Args args;

  public HuberLoss(Args args) {
    this.args = args;
  }

  @Override
  public Tensor forward(Tensor pred, Tensor target, Tensor weight, Double avgFactor) {
    if (target.size() == 0) {
      return pred.sum().mul(0.0);
    }
    if (!java.util.Arrays.equals(pred.shape().dims(), target.shape().dims())) {
      throw new IllegalArgumentException(
          "HuberLoss: pred " + pred.shape() + " and target " + target.shape() + " differ");
    }
    double beta = args.beta();
    Tensor d = pred.sub(target).abs();
    Tensor loss = d.lt(beta).where(d.mul(d).mul(0.5), d.mul(beta).sub(0.5 * beta * beta));
    return WeightedReduction.reduce(loss, weight, args.reduction(), avgFactor)
        .mul(args.lossWeight());
  }
}
