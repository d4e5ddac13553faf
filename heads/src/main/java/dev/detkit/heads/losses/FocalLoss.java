package dev.detkit.heads.losses;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's sigmoid {@code FocalLoss} as its CPU path computes it ({@code py_sigmoid_focal_loss}):
 * one-hot targets (label C = background, an all-zero row), {@code BCEWithLogits * (alpha t + (1 -
 * alpha)(1 - t)) * pt^gamma} with {@code pt = (1 - p) t + p (1 - t)}, weighted per row, reduced,
 * times {@code loss_weight}. Gradients flow through {@code pt} as in mmdet (here written as {@code
 * sigmoid(s)}, the same function, see {@link #forward}).
 */
@Component(
    kind = ComponentKind.LOSS,
    name = "FocalLoss",
    summary = "sigmoid focal loss over one-hot labels")
public final class FocalLoss implements ClassificationLoss {

  /**
   * mmdet's arguments.
   *
   * @param useSigmoid whether the prediction uses sigmoid instead of softmax; only true, detkit
   *     refuses false
   * @param gamma focusing parameter: the (1 - pt)^gamma factor down-weights easy examples
   * @param alpha balancing weight of positives (negatives get 1 - alpha)
   * @param reduction how the element-wise loss is reduced: none, mean or sum (mean divides by
   *     avg_factor when the head gives one)
   * @param lossWeight weight of the loss
   * @param activated whether the input is already activated (probabilities); only false, detkit
   *     refuses true
   */
  public record Args(
      @Default("true") boolean useSigmoid,
      @Default("2.0") double gamma,
      @Default("0.25") double alpha,
      @Default("mean") String reduction,
      @Default("1.0") double lossWeight,
      @Default("false") boolean activated) {
    public Args {
      if (!useSigmoid) {
        throw new IllegalArgumentException("only use_sigmoid=true focal loss is supported");
      }
      if (activated) {
        throw new IllegalArgumentException("activated=true is not supported");
      }
      WeightedReduction.checkReduction(reduction);
    }
  }

  private final Args args;

  public FocalLoss(Args args) {
    this.args = args;
  }

  public Args args() {
    return args;
  }

  @Override
  public Tensor forward(Tensor logits, Tensor labels, Tensor weight, Double avgFactor) {
    Backend b = logits.backend();
    Tensor positive = oneHot(labels, logits.dim(1));
    // With s = -x where the target is 1 and s = x where it is 0, mmdet's pt = (1 - p) t + p (1 - t)
    // is sigmoid(s) and BCEWithLogits(x, t) is softplus(s): the same function in six passes
    // over the anchors x classes grid instead of seventeen (each pass again in backward).
    Tensor s = logits.mul(positive.where(b.scalar(-1f), b.scalar(1f)));
    Tensor alphaT =
        positive.where(b.scalar((float) args.alpha()), b.scalar((float) (1 - args.alpha())));
    Tensor loss = s.softplus().mul(s.sigmoid().pow(args.gamma())).mul(alphaT);
    return WeightedReduction.reduce(loss, weight, args.reduction(), avgFactor)
        .mul(args.lossWeight());
  }

  /**
   * {@code one_hot(labels, C + 1)[:, :C]} as a BOOL mask with the class axis at 1: background
   * entries are all false.
   */
  static Tensor oneHot(Tensor labels, int numClasses) {
    Backend b = labels.backend();
    int[] shape = new int[labels.rank() + 1];
    java.util.Arrays.fill(shape, 1);
    shape[1] = numClasses;
    Tensor classes = b.arange(numClasses).reshape(shape);
    return labels.toType(DType.INT64).unsqueeze(1).eq(classes);
  }
}
