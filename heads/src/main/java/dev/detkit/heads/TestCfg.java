package dev.detkit.heads;

import dev.detkit.api.registry.Default;

/** A dense head's {@code test_cfg}: score threshold, per-level top-k, NMS, detections kept. */
public record TestCfg(
    @Default("-1") int nmsPre,
    @Default("0") double minBboxSize,
    @Default("0.0") double scoreThr,
    @Default("{type: nms, iou_threshold: 0.5}") NmsCfg nms,
    @Default("100") int maxPerImg) {

  /** mmcv's nms config. */
  public record NmsCfg(
      @Default("nms") String type,
      double iouThreshold,
      @Default("false") boolean classAgnostic,
      @Default("10000") int splitThr) {
    public NmsCfg {
      if (!type.equals("nms")) {
        throw new IllegalArgumentException("nms.type '" + type + "' is not supported (use nms)");
      }
    }
  }
}
