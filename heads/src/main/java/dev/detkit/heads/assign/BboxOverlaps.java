package dev.detkit.heads.assign;

/**
 * mmdet's {@code bbox_overlaps} (mode {@code iou}, not aligned) in float32 arithmetic: areas {@code
 * (x2 - x1) * (y2 - y1)} without +1, union clamped to at least 1e-6.
 */
public final class BboxOverlaps {
  private static final float EPS = 1e-6f;

  private BboxOverlaps() {}

  /** IoU of every row of {@code a} ({@code [G, 4]}) with every row of {@code b}: {@code [G][N]}. */
  public static float[][] iou(float[] a, float[] b) {
    int g = a.length / 4;
    int n = b.length / 4;
    float[] areaB = new float[n];
    for (int j = 0; j < n; j++) {
      areaB[j] = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
    }
    float[][] out = new float[g][n];
    for (int i = 0; i < g; i++) {
      float ax1 = a[4 * i];
      float ay1 = a[4 * i + 1];
      float ax2 = a[4 * i + 2];
      float ay2 = a[4 * i + 3];
      float areaA = (ax2 - ax1) * (ay2 - ay1);
      float[] row = out[i];
      for (int j = 0; j < n; j++) {
        float w = Math.max(Math.min(ax2, b[4 * j + 2]) - Math.max(ax1, b[4 * j]), 0f);
        float h = Math.max(Math.min(ay2, b[4 * j + 3]) - Math.max(ay1, b[4 * j + 1]), 0f);
        float overlap = w * h;
        float union = Math.max(areaA + areaB[j] - overlap, EPS);
        row[j] = overlap / union;
      }
    }
    return out;
  }
}
