package dev.detkit.evaluation;

/**
 * One row of mmdet CocoMetric's classwise table, unrounded: for category k, the mean over cells
 * {@code > -1} of {@code precision[:, :, k, 0, -1]} (mAP), {@code precision[0, :, k, 0, -1]}
 * (mAP_50: IoU index 0), {@code precision[5, :, k, 0, -1]} (mAP_75: IoU index 5) and {@code
 * precision[:, :, k, a, -1]} for area index 1, 2, 3 (small, medium, large); always at the last
 * maxDet. NaN where there is no cell (a category without gt).
 */
public record ClasswiseRow(
    long categoryId,
    String name,
    double mAP,
    double mAP50,
    double mAP75,
    double mAPSmall,
    double mAPMedium,
    double mAPLarge) {

  /** The six values in table order (mAP, mAP_50, mAP_75, mAP_s, mAP_m, mAP_l). */
  public double[] values() {
    return new double[] {mAP, mAP50, mAP75, mAPSmall, mAPMedium, mAPLarge};
  }
}
