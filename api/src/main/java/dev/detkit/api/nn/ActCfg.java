package dev.detkit.api.nn;

/** mmcv's {@code act_cfg}: {@code {type: ReLU}}, {@code Swish}, {@code SiLU} or {@code Sigmoid}. */
public record ActCfg(String type) {
  public ActCfg {
    Activation.of(type);
  }

  /** The activation it names. */
  public Activation activation() {
    return Activation.of(type);
  }
}
