package dev.detkit.api.nn;

import dev.detkit.api.tensor.Tensor;

/** Parameter-free activations by mmcv's names. */
public enum Activation {
  IDENTITY,
  RELU,
  /** {@code x * sigmoid(x)}; mmcv's Swish and PyTorch's SiLU. */
  SWISH,
  SIGMOID;

  /** Looks up mmcv's {@code act_cfg.type}; null means no activation. */
  public static Activation of(String type) {
    if (type == null) {
      return IDENTITY;
    }
    return switch (type) {
      case "ReLU" -> RELU;
      case "Swish", "SiLU" -> SWISH;
      case "Sigmoid" -> SIGMOID;
      default ->
          throw new IllegalArgumentException(
              "act_cfg.type '" + type + "' is not supported (use ReLU, Swish, SiLU or Sigmoid)");
    };
  }

  public Tensor apply(Tensor x) {
    return switch (this) {
      case IDENTITY -> x;
      case RELU -> x.relu();
      case SWISH -> x.silu();
      case SIGMOID -> x.sigmoid();
    };
  }
}
