package dev.detkit.heads.losses;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code DistributionFocalLoss} (GFL): for logits over the bins 0..reg_max ({@code [M, R +
 * 1]}) and a real target y, {@code CE(logits, floor(y)) * (floor(y) + 1 - y) + CE(logits, floor(y)
 * + 1) * (y - floor(y))}; weighted, reduced, times {@code loss_weight}.
 */
@Component(
    kind = ComponentKind.LOSS,
    name = "DistributionFocalLoss",
    summary = "GFL's cross entropy of a distance distribution at the two bins around the target")
public final class DistributionFocalLoss implements RegressionLoss {

  /**
   * mmdet's arguments.
   *
   * @param reduction how the per-side loss is reduced: none, mean or sum (mean divides by
   *     avg_factor when the head gives one)
   * @param lossWeight weight of the loss (GFL configs: 0.25)
   */
  public record Args(@Default("mean") String reduction, @Default("1.0") double lossWeight) {
    public Args {
      WeightedReduction.checkReduction(reduction);
    }
  }

  private final Args args;

  public DistributionFocalLoss(Args args) {
    this.args = args;
  }

  @Override
  public Tensor forward(Tensor pred, Tensor target, Tensor weight, Double avgFactor) {
    Backend b = pred.backend();
    float[] y = target.toFloatArray();
    int m = y.length;
    long[] left = new long[m];
    long[] right = new long[m];
    float[] wl = new float[m];
    float[] wr = new float[m];
    for (int i = 0; i < m; i++) {
      left[i] = (long) y[i];
      right[i] = left[i] + 1;
      wl[i] = (float) right[i] - y[i];
      wr[i] = y[i] - (float) left[i];
    }
    // log-sum-exp over the bins, shifted by the (detached) row max as PyTorch's cross_entropy does.
    Tensor max = pred.detach().max(1).reshape(-1, 1);
    Tensor lse = pred.sub(max).exp().sum(1).log().add(max.reshape(-1));
    Tensor pl = pred.gather(1, b.fromLongs(left, m, 1)).reshape(-1);
    Tensor pr = pred.gather(1, b.fromLongs(right, m, 1)).reshape(-1);
    Tensor loss = lse.sub(pl).mul(b.fromFloats(wl, m)).add(lse.sub(pr).mul(b.fromFloats(wr, m)));
    return WeightedReduction.reduce(loss, weight, args.reduction(), avgFactor)
        .mul(args.lossWeight());
  }
}
