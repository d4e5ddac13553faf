package dev.detkit.heads;

import java.util.List;

/**
 * One level's anchor targets for a batch in mmdet's {@code images_to_levels} row order ({@code [B *
 * N_l]}, image-major), with the positives' row indices, anchors and regression targets (one anchor
 * per cell, as ATSS and GFL have).
 */
record LevelRows(
    int n, long[] labels, float[] labelWeights, int[] pos, float[] posAnchors, float[] posTargets) {

  long[] posLongs() {
    long[] out = new long[pos.length];
    for (int k = 0; k < pos.length; k++) {
      out[k] = pos[k];
    }
    return out;
  }

  /** The level of {@code anchors} ({@code [N_l * 4]}) starting at anchor {@code start}. */
  static LevelRows of(List<AnchorHead.ImageTargets> images, int start, float[] anchors, int nb) {
    int n = anchors.length / 4;
    long[] labels = new long[nb * n];
    float[] weights = new float[nb * n];
    int count = 0;
    for (AnchorHead.ImageTargets it : images) {
      for (int k = 0; k < n; k++) {
        count += it.bboxWeights()[4 * (start + k)] > 0 ? 1 : 0;
      }
    }
    int[] pos = new int[count];
    float[] posAnchors = new float[4 * count];
    float[] posTargets = new float[4 * count];
    int p = 0;
    for (int i = 0; i < nb; i++) {
      AnchorHead.ImageTargets it = images.get(i);
      for (int k = 0; k < n; k++) {
        int a = start + k;
        labels[i * n + k] = it.labels()[a];
        weights[i * n + k] = it.labelWeights()[a];
        if (it.bboxWeights()[4 * a] > 0) {
          pos[p] = i * n + k;
          System.arraycopy(anchors, 4 * k, posAnchors, 4 * p, 4);
          System.arraycopy(it.bboxTargets(), 4 * a, posTargets, 4 * p, 4);
          p++;
        }
      }
    }
    return new LevelRows(n, labels, weights, pos, posAnchors, posTargets);
  }
}
