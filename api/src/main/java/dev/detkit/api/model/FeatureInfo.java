package dev.detkit.api.model;

/**
 * What one output of a backbone (or neck) carries: channels and stride relative to the input
 * (timm's {@code feature_info}, detectron2's {@code ShapeSpec}). Necks read these instead of
 * hard-coding {@code in_channels}.
 */
public record FeatureInfo(int channels, int stride) {
  public FeatureInfo {
    if (channels < 1 || stride < 1) {
      throw new IllegalArgumentException(
          "channels and stride must be positive: " + channels + ", " + stride);
    }
  }
}
