package dev.detkit.api.nn;

/**
 * mmcv's {@code act_cfg}: {@code {type: ReLU}}, {@code Swish}, {@code SiLU} or {@code Sigmoid}.
 *
 * @param type activation layer type: ReLU, Swish or SiLU (the same function, x * sigmoid(x)), or
 *     Sigmoid; detkit refuses other types
 */
public record ActCfg(String type) {
  public ActCfg {
    Activation.of(type);
  }

  /** The activation it names. */
  public Activation activation() {
    return Activation.of(type);
  }
}
