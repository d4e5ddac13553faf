package dev.detkit.api.nn;

/** mmcv's {@code conv_cfg}: {@code Conv2d} (or {@code Conv}) or {@code Conv2dAdaptivePadding}. */
public record ConvCfg(String type) {
  public ConvCfg {
    mode(type);
  }

  /** The padding a conv of this type uses. */
  public Conv2d.PaddingMode mode() {
    return mode(type);
  }

  private static Conv2d.PaddingMode mode(String type) {
    return switch (type) {
      case "Conv2d", "Conv" -> Conv2d.PaddingMode.SYMMETRIC;
      case "Conv2dAdaptivePadding" -> Conv2d.PaddingMode.TF_SAME;
      default ->
          throw new IllegalArgumentException(
              "conv_cfg.type '"
                  + type
                  + "' is not supported (use Conv2d or Conv2dAdaptivePadding)");
    };
  }
}
