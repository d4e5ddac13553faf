package dev.detkit.heads;

import dev.detkit.api.structures.GtInstances;
import java.util.Arrays;
import java.util.List;

/**
 * mmdet's {@code FCOSHead._get_targets_single} in float32: a point is a positive of the smallest gt
 * it lies inside (or inside its centre region with centre sampling) whose largest side distance
 * falls in the level's regress range (both bounds inclusive); ties go to the lowest gt index.
 */
final class FcosTargets {
  static final float INF = 1e8f;

  /**
   * Per image over all levels' points: label (num_classes = background), gt index, (l, t, r, b).
   */
  record Image(int[] labels, int[] gtIndex, float[] bboxTargets) {}

  private final int numClasses;
  private final float[][] ranges;
  private final boolean centerSampling;
  private final double radius;

  FcosTargets(int numClasses, List<List<Double>> ranges, boolean centerSampling, double radius) {
    this.numClasses = numClasses;
    this.ranges = new float[ranges.size()][];
    for (int l = 0; l < ranges.size(); l++) {
      this.ranges[l] =
          new float[] {ranges.get(l).get(0).floatValue(), ranges.get(l).get(1).floatValue()};
    }
    this.centerSampling = centerSampling;
    this.radius = radius;
  }

  /**
   * @param points per level {@code [N_l * 2]} (x, y)
   * @param strides per level
   */
  Image compute(List<float[]> points, int[] strides, GtInstances gt) {
    int n = points.stream().mapToInt(p -> p.length / 2).sum();
    int[] labels = new int[n];
    int[] gtIndex = new int[n];
    float[] targets = new float[4 * n];
    Arrays.fill(labels, numClasses);
    Arrays.fill(gtIndex, -1);
    int g = gt.size();
    if (g == 0) {
      return new Image(labels, gtIndex, targets);
    }
    float[] box = gt.bboxes();
    float[] areas = new float[g];
    for (int j = 0; j < g; j++) {
      areas[j] = (box[4 * j + 2] - box[4 * j]) * (box[4 * j + 3] - box[4 * j + 1]);
    }
    int i = 0;
    for (int l = 0; l < points.size(); l++) {
      float[] p = points.get(l);
      float r = (float) (strides[l] * radius);
      float lo = ranges[l][0];
      float hi = ranges[l][1];
      for (int k = 0; k < p.length / 2; k++, i++) {
        float x = p[2 * k];
        float y = p[2 * k + 1];
        float best = INF;
        int bestJ = -1;
        for (int j = 0; j < g; j++) {
          float x1 = box[4 * j];
          float y1 = box[4 * j + 1];
          float x2 = box[4 * j + 2];
          float y2 = box[4 * j + 3];
          float left = x - x1;
          float top = y - y1;
          float right = x2 - x;
          float bottom = y2 - y;
          boolean inside;
          if (centerSampling) {
            float cx = (x1 + x2) / 2;
            float cy = (y1 + y2) / 2;
            float xmin = cx - r;
            float ymin = cy - r;
            float xmax = cx + r;
            float ymax = cy + r;
            float cx1 = xmin > x1 ? xmin : x1;
            float cy1 = ymin > y1 ? ymin : y1;
            float cx2 = xmax > x2 ? x2 : xmax;
            float cy2 = ymax > y2 ? y2 : ymax;
            inside = Math.min(Math.min(x - cx1, y - cy1), Math.min(cx2 - x, cy2 - y)) > 0;
          } else {
            inside = Math.min(Math.min(left, top), Math.min(right, bottom)) > 0;
          }
          float m = Math.max(Math.max(left, top), Math.max(right, bottom));
          float area = inside && m >= lo && m <= hi ? areas[j] : INF;
          // torch's min(dim=1) returns the first minimum: the lowest gt index on equal areas.
          if (bestJ < 0 || area < best) {
            best = area;
            bestJ = j;
          }
          if (j == bestJ) {
            targets[4 * i] = left;
            targets[4 * i + 1] = top;
            targets[4 * i + 2] = right;
            targets[4 * i + 3] = bottom;
          }
        }
        if (best != INF) {
          labels[i] = gt.labels()[bestJ];
          gtIndex[i] = bestJ;
        }
      }
    }
    return new Image(labels, gtIndex, targets);
  }
}
