package dev.detkit.heads.losses;

import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's sigmoid {@code FocalLoss} as its CPU path computes it ({@code py_sigmoid_focal_loss}):
 * one-hot targets (label C = background, an all-zero row), {@code BCEWithLogits * (alpha t + (1 -
 * alpha)(1 - t)) * pt^gamma} with {@code pt = (1 - p) t + p (1 - t)}, weighted per row, reduced,
 * times {@code loss_weight}. Gradients flow through {@code pt} as in mmdet.
 */
public final class FocalLoss implements ClassificationLoss {

  /** mmdet's arguments. */
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
    Tensor t = oneHot(labels, logits.dim(1));
    Tensor p = logits.sigmoid();
    Tensor pt = p.neg().add(1).mul(t).add(p.mul(t.neg().add(1)));
    Tensor alphaT = t.mul(2 * args.alpha() - 1).add(1 - args.alpha());
    Tensor focalWeight = alphaT.mul(pt.pow(args.gamma()));
    Tensor loss = bceWithLogits(logits, t).mul(focalWeight);
    return WeightedReduction.reduce(loss, weight, args.reduction(), avgFactor)
        .mul(args.lossWeight());
  }

  /** {@code max(x, 0) - x t + log(1 + exp(-|x|))}, the stable form PyTorch uses. */
  static Tensor bceWithLogits(Tensor x, Tensor t) {
    return x.relu().sub(x.mul(t)).add(x.abs().neg().exp().add(1).log());
  }

  /**
   * {@code one_hot(labels, C + 1)[:, :C]} as float32 with the class axis at 1: background entries
   * are all zero.
   */
  static Tensor oneHot(Tensor labels, int numClasses) {
    Backend b = labels.backend();
    int[] shape = new int[labels.rank() + 1];
    java.util.Arrays.fill(shape, 1);
    shape[1] = numClasses;
    Tensor classes = b.arange(numClasses).reshape(shape);
    return labels.toType(DType.INT64).unsqueeze(1).eq(classes).toType(DType.FLOAT32);
  }
}
