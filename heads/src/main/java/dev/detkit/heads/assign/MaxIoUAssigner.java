package dev.detkit.heads.assign;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.Arrays;
import java.util.List;

/**
 * mmdet's {@code MaxIoUAssigner}: negatives below {@code neg_iou_thr}, positives at or above {@code
 * pos_iou_thr}, then the low-quality step that gives every gt its best priors, in gt order (later
 * gts win). With {@code gt_max_assign_all} and {@code min_pos_iou = 0}, a gt overlapping no prior
 * takes every prior whose IoU with it is 0 — mmdet's behaviour (issue #8289), kept for parity.
 */
@Component(
    kind = ComponentKind.ASSIGNER,
    name = "MaxIoUAssigner",
    summary = "positives by IoU threshold, plus each gt's best priors (low-quality matches)")
public final class MaxIoUAssigner implements Assigner {

  /**
   * mmdet's arguments; {@code neg_iou_thr} is a number or a {@code [low, high)} pair.
   *
   * @param posIouThr IoU threshold for positive priors (a prior is positive at or above it)
   * @param negIouThr IoU threshold for negative priors: a number (below it) or a [low, high) pair
   * @param minPosIou minimum IoU for a prior to be assigned to a gt in the low-quality step (each
   *     gt's best priors)
   * @param gtMaxAssignAll whether to assign every prior tied at a gt's highest IoU to that gt, or
   *     only the first
   * @param ignoreIofThr IoF threshold for ignoring priors overlapping crowd (ignored) gt boxes;
   *     only zero or a negative value (off), detkit refuses a positive one (crowd boxes are dropped
   *     from training)
   * @param ignoreWrtCandidates whether the IoF for ignoring is of the priors (true) or of the
   *     ignored gts; no effect while ignore_iof_thr is off
   * @param matchLowQuality whether to allow low-quality matches: each gt also takes its best priors
   *     even below pos_iou_thr (RetinaNet: true)
   * @param gpuAssignThr number of gts above which mmdet assigns on the CPU; detkit assigns on the
   *     host anyway and ignores it
   * @param iouCalculator config of the IoU calculator; detkit always computes mmdet's
   *     BboxOverlaps2D (IoU) and ignores this value
   */
  public record Args(
      double posIouThr,
      Object negIouThr,
      @Default("0.0") double minPosIou,
      @Default("true") boolean gtMaxAssignAll,
      @Default("-1") double ignoreIofThr,
      @Default("true") boolean ignoreWrtCandidates,
      @Default("true") boolean matchLowQuality,
      @Default("-1") int gpuAssignThr,
      @Default("{type: BboxOverlaps2D}") Object iouCalculator) {
    public Args {
      negRange(negIouThr);
      if (ignoreIofThr > 0) {
        throw new IllegalArgumentException(
            "ignore_iof_thr > 0 is not supported (crowd boxes are dropped from training)");
      }
    }
  }

  private final Args args;
  private final double negLow;
  private final double negHigh;

  public MaxIoUAssigner(Args args) {
    this.args = args;
    double[] r = negRange(args.negIouThr());
    this.negLow = r[0];
    this.negHigh = r[1];
  }

  private static double[] negRange(Object v) {
    if (v instanceof Number n) {
      return new double[] {0.0, n.doubleValue()};
    }
    if (v instanceof List<?> l
        && l.size() == 2
        && l.get(0) instanceof Number a
        && l.get(1) instanceof Number b) {
      return new double[] {a.doubleValue(), b.doubleValue()};
    }
    throw new IllegalArgumentException(
        "neg_iou_thr must be a number or a [low, high] pair, got " + v);
  }

  @Override
  public AssignResult assign(float[] priors, float[] gtBboxes, int[] gtLabels) {
    int n = priors.length / 4;
    int g = gtLabels.length;
    int[] gtInds = new int[n];
    int[] labels = new int[n];
    Arrays.fill(labels, -1);
    if (g == 0 || n == 0) {
      Arrays.fill(gtInds, g == 0 ? 0 : -1);
      return new AssignResult(g, gtInds, new float[n], labels);
    }
    float[][] iou = BboxOverlaps.iou(gtBboxes, priors);
    float[] maxOv = new float[n];
    int[] argmax = new int[n];
    for (int j = 0; j < n; j++) {
      float best = iou[0][j];
      int arg = 0;
      for (int i = 1; i < g; i++) {
        if (iou[i][j] > best) {
          best = iou[i][j];
          arg = i;
        }
      }
      maxOv[j] = best;
      argmax[j] = arg;
    }
    Arrays.fill(gtInds, -1);
    for (int j = 0; j < n; j++) {
      if (maxOv[j] >= negLow && maxOv[j] < negHigh) {
        gtInds[j] = 0;
      }
      if (maxOv[j] >= args.posIouThr()) {
        gtInds[j] = argmax[j] + 1;
      }
    }
    if (args.matchLowQuality()) {
      for (int i = 0; i < g; i++) {
        float[] row = iou[i];
        int best = 0;
        for (int j = 1; j < n; j++) {
          if (row[j] > row[best]) {
            best = j;
          }
        }
        float gtMax = row[best];
        if (gtMax < args.minPosIou()) {
          continue;
        }
        if (args.gtMaxAssignAll()) {
          for (int j = 0; j < n; j++) {
            if (row[j] == gtMax) {
              gtInds[j] = i + 1;
            }
          }
        } else {
          gtInds[best] = i + 1;
        }
      }
    }
    for (int j = 0; j < n; j++) {
      if (gtInds[j] > 0) {
        labels[j] = gtLabels[gtInds[j] - 1];
      }
    }
    return new AssignResult(g, gtInds, maxOv, labels);
  }
}
