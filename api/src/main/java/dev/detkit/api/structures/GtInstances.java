package dev.detkit.api.structures;

/**
 * Ground truth of one image as the loss sees it (mmdet's {@code gt_instances}): boxes {@code [x1,
 * y1, x2, y2]} rows in the network input's pixels and contiguous class labels.
 */
public record GtInstances(float[] bboxes, int[] labels) {
  public GtInstances {
    if (bboxes.length != 4 * labels.length) {
      throw new IllegalArgumentException(
          "gt has " + labels.length + " labels but " + bboxes.length / 4.0 + " boxes");
    }
  }

  /** An image without objects. */
  public static GtInstances empty() {
    return new GtInstances(new float[0], new int[0]);
  }

  public int size() {
    return labels.length;
  }
}
