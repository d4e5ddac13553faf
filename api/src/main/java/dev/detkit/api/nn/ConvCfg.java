package dev.detkit.api.nn;

/**
 * mmcv's {@code conv_cfg}: {@code Conv2d} (or {@code Conv}), {@code Conv2dAdaptivePadding}, or
 * {@code Conv2dSamePadding}, which mmdet's projects/EfficientDet registers: TF "SAME" padding
 * without mmcv's clamp of a negative pad, which never arises in EfficientNet, BiFPN or the head
 * (shared/reference/efficientdet.md section 3.1: bit-identical outputs there).
 *
 * @param type conv layer type: Conv2d or Conv (symmetric padding), Conv2dAdaptivePadding or
 *     Conv2dSamePadding (TF SAME padding); detkit refuses other types
 */
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
      case "Conv2dAdaptivePadding", "Conv2dSamePadding" -> Conv2d.PaddingMode.TF_SAME;
      default ->
          throw new IllegalArgumentException(
              "conv_cfg.type '"
                  + type
                  + "' is not supported (use Conv2d, Conv2dAdaptivePadding or Conv2dSamePadding)");
    };
  }
}
