package dev.detkit.heads.losses;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Tensor;
import java.util.List;

/**
 * mmdet's {@code CrossEntropyLoss} with {@code use_sigmoid=True} on a prediction and a target of
 * the same shape (FCOS/ATSS centerness): element-wise {@code BCEWithLogits(x, t)} (written as
 * {@code softplus(x) - x t}), weighted, reduced, times {@code loss_weight}.
 */
@Component(
    kind = ComponentKind.LOSS,
    name = "CrossEntropyLoss",
    summary = "binary cross entropy with logits (use_sigmoid) against same-shape targets")
public final class CrossEntropyLoss implements RegressionLoss, ClassificationLoss {

  /**
   * mmdet's arguments.
   *
   * @param useSigmoid whether the prediction uses sigmoid (binary cross entropy) instead of
   *     softmax; only true, detkit refuses false
   * @param useMask whether to use the mask cross entropy loss; only false, detkit refuses true
   * @param reduction how the element-wise loss is reduced: none, mean or sum (mean divides by
   *     avg_factor when the head gives one)
   * @param classWeight weight of each class; only null, detkit refuses a list
   * @param ignoreIndex label index to be ignored; detkit's targets are same-shape scores, so it is
   *     not used
   * @param lossWeight weight of the loss
   * @param avgNonIgnore whether the mean is taken over non-ignored elements only; not used by
   *     detkit (no element is ignored)
   */
  public record Args(
      @Default("false") boolean useSigmoid,
      @Default("false") boolean useMask,
      @Default("mean") String reduction,
      @Default("null") List<Double> classWeight,
      @Default("-100") int ignoreIndex,
      @Default("1.0") double lossWeight,
      @Default("false") boolean avgNonIgnore) {
    public Args {
      if (!useSigmoid || useMask) {
        throw new IllegalArgumentException(
            "only use_sigmoid=true (binary cross entropy with logits) is supported");
      }
      if (classWeight != null) {
        throw new IllegalArgumentException("class_weight is not supported");
      }
      WeightedReduction.checkReduction(reduction);
    }
  }

  private final Args args;

  public CrossEntropyLoss(Args args) {
    this.args = args;
  }

  @Override
  public Tensor forward(Tensor pred, Tensor target, Tensor weight, Double avgFactor) {
    // max(x, 0) - x t + log(1 + exp(-|x|)) equals softplus(x) - x t; softplus is computed stably.
    if (!target.dtype().isFloating() && target.rank() == pred.rank() - 1) {
      target = FocalLoss.oneHot(target, pred.dim(1)).toType(pred.dtype());
    }
    Tensor loss = pred.softplus().sub(pred.mul(target));
    return WeightedReduction.reduce(loss, weight, args.reduction(), avgFactor)
        .mul(args.lossWeight());
  }
}
