package dev.detkit.api.structures;

/**
 * Detections of one image in mmdetection's order (descending score after NMS): boxes as {@code [x1,
 * y1, x2, y2]} rows in original-image pixels, scores and 0-based labels.
 */
public record Detections(float[] boxes, float[] scores, int[] labels) {
  public Detections {
    if (boxes.length != scores.length * 4 || labels.length != scores.length) {
      throw new IllegalArgumentException("boxes, scores and labels disagree in length");
    }
  }

  public int size() {
    return scores.length;
  }

  /** The first {@code n} detections. */
  public Detections head(int n) {
    int k = Math.min(n, size());
    return new Detections(
        java.util.Arrays.copyOf(boxes, 4 * k),
        java.util.Arrays.copyOf(scores, k),
        java.util.Arrays.copyOf(labels, k));
  }

  /** Only detections with score at least {@code thr} (order kept). */
  public Detections withMinScore(double thr) {
    int k = 0;
    for (float s : scores) {
      if (s >= thr) {
        k++;
      }
    }
    float[] b = new float[4 * k];
    float[] s = new float[k];
    int[] l = new int[k];
    for (int i = 0, j = 0; i < size(); i++) {
      if (scores[i] >= thr) {
        System.arraycopy(boxes, 4 * i, b, 4 * j, 4);
        s[j] = scores[i];
        l[j] = labels[i];
        j++;
      }
    }
    return new Detections(b, s, l);
  }
}
