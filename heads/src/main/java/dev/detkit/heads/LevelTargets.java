package dev.detkit.heads;

import java.util.List;

/**
 * One level's targets for a batch, rearranged from mmdet's anchor order (y, x, a) into the head
 * output's own layout: labels and label weights {@code [B * A, H * W]}, box targets and weights
 * {@code [B, A, 4, H * W]}. The loss is computed on free reshapes of the network's outputs instead
 * of mmdet's {@code permute(0, 2, 3, 1).reshape(-1, C)}, which copies the largest tensors of the
 * step (and their gradients) once more; only the small host-side targets move.
 */
record LevelTargets(long[] labels, float[] labelWeights, float[] bboxTargets, float[] bboxWeights) {

  /** The level starting at anchor {@code start} with {@code na} anchors per cell and hw cells. */
  static LevelTargets of(List<AnchorHead.ImageTargets> images, int start, int na, int hw) {
    int nb = images.size();
    long[] labels = new long[nb * na * hw];
    float[] labelWeights = new float[nb * na * hw];
    float[] bboxTargets = new float[nb * na * 4 * hw];
    float[] bboxWeights = new float[nb * na * 4 * hw];
    for (int b = 0; b < nb; b++) {
      AnchorHead.ImageTargets it = images.get(b);
      for (int a = 0; a < na; a++) {
        int row = (b * na + a) * hw;
        for (int p = 0; p < hw; p++) {
          int anchor = start + p * na + a;
          labels[row + p] = it.labels()[anchor];
          labelWeights[row + p] = it.labelWeights()[anchor];
          for (int k = 0; k < 4; k++) {
            int dst = ((b * na + a) * 4 + k) * hw + p;
            bboxTargets[dst] = it.bboxTargets()[4 * anchor + k];
            bboxWeights[dst] = it.bboxWeights()[4 * anchor + k];
          }
        }
      }
    }
    return new LevelTargets(labels, labelWeights, bboxTargets, bboxWeights);
  }
}
