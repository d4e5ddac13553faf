package dev.detkit.heads;

import dev.detkit.api.registry.Default;

/**
 * A dense head's {@code test_cfg}: score threshold, per-level top-k, NMS, detections kept.
 *
 * @param nmsPre number of top-scoring priors kept per level before NMS; -1 keeps all
 * @param minBboxSize boxes whose width or height, in pixels of the original image, is not above
 *     this are dropped before NMS (0 drops empty boxes, a negative value keeps all)
 * @param scoreThr detections scoring below this are dropped before NMS
 * @param nms NMS config (hard or soft NMS, IoU threshold)
 * @param maxPerImg number of detections kept per image after NMS
 */
public record TestCfg(
    @Default("-1") int nmsPre,
    @Default("0") double minBboxSize,
    @Default("0.0") double scoreThr,
    @Default("{type: nms, iou_threshold: 0.5}") NmsCfg nms,
    @Default("100") int maxPerImg) {

  /**
   * mmcv's nms config.
   *
   * @param type {@code nms} (hard) or {@code soft_nms} (scores decayed by overlap, mmcv's CPU
   *     algorithm)
   * @param iouThreshold overlap above which hard NMS suppresses; for soft-NMS, where the linear and
   *     naive methods start to decay (the gaussian one ignores it)
   * @param classAgnostic one NMS over all classes instead of one per class
   * @param splitThr from this many boxes on, NMS runs class by class (mmcv's batched_nms)
   * @param sigma soft-NMS gaussian width: scores are multiplied by exp(-iou^2 / sigma)
   * @param minScore soft-NMS drops a box whose decayed score falls below this
   * @param method soft-NMS decay: linear (mmcv's default), gaussian or naive
   */
  public record NmsCfg(
      @Default("nms") String type,
      double iouThreshold,
      @Default("false") boolean classAgnostic,
      @Default("10000") int splitThr,
      @Default("0.5") double sigma,
      @Default("0.001") double minScore,
      @Default("linear") String method) {
    public NmsCfg {
      if (!type.equals("nms") && !type.equals("soft_nms")) {
        throw new IllegalArgumentException(
            "nms.type '" + type + "' is not supported (use nms or soft_nms)");
      }
      if (!java.util.List.of("linear", "gaussian", "naive").contains(method)) {
        throw new IllegalArgumentException(
            "nms.method '" + method + "' is not one of linear, gaussian, naive");
      }
      if (sigma <= 0) {
        throw new IllegalArgumentException("nms.sigma must be positive, got " + sigma);
      }
    }

    /** Hard or soft NMS with mmcv's soft-NMS defaults. */
    public NmsCfg(String type, double iouThreshold, boolean classAgnostic, int splitThr) {
      this(type, iouThreshold, classAgnostic, splitThr, 0.5, 0.001, "linear");
    }

    /** Whether this is soft-NMS. */
    public boolean isSoft() {
      return type.equals("soft_nms");
    }
  }
}
