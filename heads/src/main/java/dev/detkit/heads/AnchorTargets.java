package dev.detkit.heads;

import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.heads.assign.AssignResult;
import dev.detkit.heads.assign.SamplingResult;
import java.util.Arrays;

/**
 * mmdet's {@code AnchorHead._get_targets_single}: assigns the valid anchors of one image, samples,
 * and writes classification and regression targets for every anchor (invalid ones get weight 0,
 * label {@code num_classes}).
 */
final class AnchorTargets {
  private final int numClasses;
  private final BBoxCoder coder;
  private final HeadTraining training;

  AnchorTargets(int numClasses, BBoxCoder coder, HeadTraining training) {
    this.numClasses = numClasses;
    this.coder = coder;
    this.training = training;
  }

  /** Targets of {@code anchors} (all levels, {@code [N, 4]} rows) with their valid flags. */
  AnchorHead.ImageTargets compute(float[] anchors, boolean[] valid, GtInstances gt, Backend b) {
    int n = valid.length;
    int[] inside = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (valid[i]) {
        inside[m++] = i;
      }
    }
    if (m == 0) {
      throw new IllegalArgumentException(
          "no valid anchor in the image: the image may be smaller than the smallest stride");
    }
    inside = Arrays.copyOf(inside, m);
    float[] validAnchors = new float[4 * m];
    for (int k = 0; k < m; k++) {
      System.arraycopy(anchors, 4 * inside[k], validAnchors, 4 * k, 4);
    }
    AssignResult assign = training.assigner().assign(validAnchors, gt.bboxes(), gt.labels());
    SamplingResult sampled = training.sampler().sample(assign);

    int[] labels = new int[n];
    Arrays.fill(labels, numClasses);
    float[] labelWeights = new float[n];
    float[] bboxTargets = new float[4 * n];
    float[] bboxWeights = new float[4 * n];
    int[] pos = sampled.posInds();
    if (pos.length > 0) {
      float[] deltas = encode(validAnchors, gt.bboxes(), pos, sampled.posAssignedGtInds(), b);
      float posWeight =
          training.trainCfg().posWeight() <= 0 ? 1f : (float) training.trainCfg().posWeight();
      for (int k = 0; k < pos.length; k++) {
        int a = inside[pos[k]];
        System.arraycopy(deltas, 4 * k, bboxTargets, 4 * a, 4);
        Arrays.fill(bboxWeights, 4 * a, 4 * a + 4, 1f);
        labels[a] = gt.labels()[sampled.posAssignedGtInds()[k]];
        labelWeights[a] = posWeight;
      }
    }
    for (int k : sampled.negInds()) {
      labelWeights[inside[k]] = 1f;
    }
    int[] gtInds = new int[n];
    float[] maxOverlaps = new float[n];
    int[] assignedLabels = new int[n];
    Arrays.fill(assignedLabels, -1);
    for (int k = 0; k < m; k++) {
      gtInds[inside[k]] = assign.gtInds()[k];
      maxOverlaps[inside[k]] = assign.maxOverlaps()[k];
      assignedLabels[inside[k]] = assign.labels()[k];
    }
    return new AnchorHead.ImageTargets(
        labels,
        labelWeights,
        bboxTargets,
        bboxWeights,
        new AssignResult(assign.numGts(), gtInds, maxOverlaps, assignedLabels),
        sampled.avgFactor());
  }

  private float[] encode(float[] anchors, float[] gts, int[] pos, int[] posGt, Backend b) {
    float[] p = new float[4 * pos.length];
    float[] g = new float[4 * pos.length];
    for (int k = 0; k < pos.length; k++) {
      System.arraycopy(anchors, 4 * pos[k], p, 4 * k, 4);
      System.arraycopy(gts, 4 * posGt[k], g, 4 * k, 4);
    }
    try (TensorScope scope = TensorScope.open()) {
      Tensor d = coder.encode(b.fromFloats(p, pos.length, 4), b.fromFloats(g, pos.length, 4));
      return d.toFloatArray();
    }
  }
}
