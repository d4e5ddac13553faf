package dev.detkit.heads;

import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.heads.assign.AssignResult;
import dev.detkit.heads.assign.SamplingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * mmdet's {@code AnchorHead._get_targets_single}: assigns the valid anchors of one image, samples,
 * and writes classification and regression targets for every anchor (invalid ones get weight 0,
 * label {@code num_classes}).
 */
final class AnchorTargets {
  private final int numClasses;
  private final BBoxCoder coder;
  private final HeadTraining training;
  private final boolean regDecodedBbox;

  AnchorTargets(int numClasses, BBoxCoder coder, HeadTraining training, boolean regDecodedBbox) {
    this.numClasses = numClasses;
    this.coder = coder;
    this.training = training;
    this.regDecodedBbox = regDecodedBbox;
  }

  /**
   * mmdet's {@code get_targets} without the split into levels: per image, valid flags from its own
   * {@code pad_shape}, then {@link #compute}.
   */
  List<AnchorHead.ImageTargets> batch(
      PriorGenerator gen,
      List<int[]> featSizes,
      List<GtInstances> gts,
      List<ImageMeta> metas,
      Backend b) {
    int nl = featSizes.size();
    int[] levelCounts = new int[nl];
    List<float[]> priors = new ArrayList<>();
    int total = 0;
    for (int l = 0; l < nl; l++) {
      float[] p = gen.gridPriors(l, featSizes.get(l)[0], featSizes.get(l)[1]);
      priors.add(p);
      levelCounts[l] = p.length / 4;
      total += levelCounts[l];
    }
    float[] all = new float[4 * total];
    int off = 0;
    for (float[] p : priors) {
      System.arraycopy(p, 0, all, off, p.length);
      off += p.length;
    }
    List<AnchorHead.ImageTargets> result = new ArrayList<>();
    for (int i = 0; i < metas.size(); i++) {
      int[] pad = metas.get(i).padShape();
      boolean[] valid = new boolean[total];
      int at = 0;
      for (int l = 0; l < nl; l++) {
        boolean[] v = gen.validFlags(l, featSizes.get(l)[0], featSizes.get(l)[1], pad[0], pad[1]);
        System.arraycopy(v, 0, valid, at, v.length);
        at += v.length;
      }
      result.add(compute(all, valid, levelCounts, gts.get(i), b));
    }
    return result;
  }

  /** Targets of {@code anchors} (all levels, {@code [N, 4]} rows) with their valid flags. */
  AnchorHead.ImageTargets compute(
      float[] anchors, boolean[] valid, int[] levelCounts, GtInstances gt, Backend b) {
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
    // Valid anchors per level (ATSS picks its candidates level by level).
    int[] validPerLevel = new int[levelCounts.length];
    for (int l = 0, at = 0; l < levelCounts.length; l++) {
      for (int k = 0; k < levelCounts[l]; k++, at++) {
        validPerLevel[l] += valid[at] ? 1 : 0;
      }
    }
    AssignResult assign =
        training.assigner().assign(validAnchors, validPerLevel, gt.bboxes(), gt.labels());
    SamplingResult sampled = training.sampler().sample(assign);

    int[] labels = new int[n];
    Arrays.fill(labels, numClasses);
    float[] labelWeights = new float[n];
    float[] bboxTargets = new float[4 * n];
    float[] bboxWeights = new float[4 * n];
    int[] pos = sampled.posInds();
    if (pos.length > 0) {
      float[] deltas =
          regDecodedBbox
              ? gtBoxes(gt.bboxes(), sampled.posAssignedGtInds())
              : encode(validAnchors, gt.bboxes(), pos, sampled.posAssignedGtInds(), b);
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

  /** With {@code reg_decoded_bbox} the regression target is the gt box itself. */
  private static float[] gtBoxes(float[] gts, int[] posGt) {
    float[] g = new float[4 * posGt.length];
    for (int k = 0; k < posGt.length; k++) {
      System.arraycopy(gts, 4 * posGt[k], g, 4 * k, 4);
    }
    return g;
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
