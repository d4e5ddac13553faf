package dev.detkit.heads.losses;

import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code weight_reduce_loss}: element-wise loss times weight, then {@code none}, {@code
 * sum}, {@code mean}, or with an {@code avg_factor}: {@code sum / (avg_factor + FLT_EPSILON)}.
 */
public final class WeightedReduction {
  /** {@code torch.finfo(torch.float32).eps}, added to avg_factor as mmdet does. */
  public static final double FLT_EPSILON = Math.ulp(1.0f);

  private WeightedReduction() {}

  /** Checks a config's {@code reduction} value. */
  public static String checkReduction(String reduction) {
    if (!reduction.equals("none") && !reduction.equals("mean") && !reduction.equals("sum")) {
      throw new IllegalArgumentException(
          "reduction must be none, mean or sum, got '" + reduction + "'");
    }
    return reduction;
  }

  /**
   * Reduces {@code loss}; {@code weight} may be null, of the loss's shape, or without its class
   * axis 1 (one value per sample, broadcast over classes). {@code avgFactor} is null for a plain
   * mean.
   */
  public static Tensor reduce(Tensor loss, Tensor weight, String reduction, Double avgFactor) {
    if (weight != null) {
      if (weight.rank() == loss.rank() - 1) {
        weight = weight.unsqueeze(1);
      }
      loss = loss.mul(weight);
    }
    if (avgFactor == null) {
      return switch (reduction) {
        case "none" -> loss;
        case "sum" -> loss.sum();
        default -> loss.mean();
      };
    }
    return switch (reduction) {
      case "mean" -> loss.sum().div(avgFactor + FLT_EPSILON);
      case "none" -> loss;
      default ->
          throw new IllegalArgumentException("avg_factor can not be used with reduction=sum");
    };
  }
}
