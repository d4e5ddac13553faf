package dev.detkit.heads.losses;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code QualityFocalLoss} (GFL, use_sigmoid): every (prior, class) entry is {@code
 * BCEWithLogits(x, 0) * sigmoid(x)^beta}, except a positive's gt class, which is {@code
 * BCEWithLogits(x, score) * |score - sigmoid(x)|^beta} with its quality score (IoU); summed over
 * classes, weighted per prior, reduced, times {@code loss_weight}.
 */
@Component(
    kind = ComponentKind.LOSS,
    name = "QualityFocalLoss",
    summary = "GFL's focal loss against a soft quality (IoU) target at the gt class")
public final class QualityFocalLoss {

  /**
   * mmdet's arguments.
   *
   * @param useSigmoid whether sigmoid is used; only true (mmdet supports nothing else either),
   *     detkit refuses false
   * @param beta the beta of the modulating factor |score - sigmoid(x)|^beta
   * @param reduction how the per-prior loss is reduced: none, mean or sum (mean divides by
   *     avg_factor when the head gives one)
   * @param lossWeight weight of the loss
   * @param activated whether the input is already activated (probabilities); only false, detkit
   *     refuses true
   */
  public record Args(
      @Default("true") boolean useSigmoid,
      @Default("2.0") double beta,
      @Default("mean") String reduction,
      @Default("1.0") double lossWeight,
      @Default("false") boolean activated) {
    public Args {
      if (!useSigmoid) {
        throw new IllegalArgumentException("only use_sigmoid=true QualityFocalLoss is supported");
      }
      if (activated) {
        throw new IllegalArgumentException("activated=true is not supported");
      }
      WeightedReduction.checkReduction(reduction);
    }
  }

  private final Args args;

  public QualityFocalLoss(Args args) {
    this.args = args;
  }

  /**
   * @param logits {@code [N, C]}
   * @param labels {@code [N]} INT64, C = background
   * @param score {@code [N]} quality target of each prior (0 for non-positives)
   * @param weight {@code [N]} or null
   */
  public Tensor forward(
      Tensor logits, Tensor labels, Tensor score, Tensor weight, Double avgFactor) {
    Backend b = logits.backend();
    Tensor p = logits.sigmoid();
    Tensor bce0 = logits.softplus();
    Tensor neg = bce0.mul(p.pow(args.beta()));
    Tensor s = score.reshape(-1, 1);
    Tensor pos = bce0.sub(logits.mul(s)).mul(s.sub(p).abs().pow(args.beta()));
    Tensor mask = FocalLoss.oneHot(labels, logits.dim(1));
    Tensor loss = mask.where(pos, neg).sum(1);
    return WeightedReduction.reduce(loss, weight, args.reduction(), avgFactor)
        .mul(args.lossWeight());
  }
}
