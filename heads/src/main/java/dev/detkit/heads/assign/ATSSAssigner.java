package dev.detkit.heads.assign;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.util.StableArgsort;
import java.util.Arrays;

/**
 * mmdet's {@code ATSSAssigner} (adaptive training sample selection) in float32: per level and gt
 * the {@code topk} anchors whose centres are closest to the gt centre are candidates; those with
 * IoU at least mean + unbiased std of all the gt's candidates' IoUs, and whose centre lies inside
 * the gt by more than 0.01 px, are positives; an anchor positive for several gts takes the one with
 * the highest IoU (lowest index on ties). Non-positives get {@code max_overlaps} -1e8.
 */
@Component(
    kind = ComponentKind.ASSIGNER,
    name = "ATSSAssigner",
    summary = "adaptive: per-level nearest candidates, IoU above mean + std, centre inside the gt")
public final class ATSSAssigner implements Assigner {
  static final float INF = 100000000.0f;

  /**
   * mmdet's arguments.
   *
   * @param topk number of candidate priors chosen on each level (closest centres to the gt's)
   * @param alpha DDOD's dynamic cost weight; only null (plain ATSS), detkit refuses a value
   * @param iouCalculator config of the IoU calculator; detkit always computes mmdet's
   *     BboxOverlaps2D (IoU) and ignores this value
   * @param ignoreIofThr IoF threshold for ignoring priors overlapping crowd (ignored) gt boxes;
   *     only zero or a negative value (off), detkit refuses a positive one
   */
  public record Args(
      int topk,
      @Default("null") Double alpha,
      @Default("{type: BboxOverlaps2D}") Object iouCalculator,
      @Default("-1") double ignoreIofThr) {
    public Args {
      if (topk < 1) {
        throw new IllegalArgumentException("topk must be positive");
      }
      if (alpha != null) {
        throw new IllegalArgumentException(
            "alpha (the dynamic-cost ATSS of DDOD) is not supported; leave it unset");
      }
      if (ignoreIofThr > 0) {
        throw new IllegalArgumentException("ignore_iof_thr > 0 is not supported (use -1)");
      }
    }
  }

  private final Args args;

  public ATSSAssigner(Args args) {
    this.args = args;
  }

  @Override
  public AssignResult assign(float[] priors, float[] gtBboxes, int[] gtLabels) {
    return assign(priors, new int[] {priors.length / 4}, gtBboxes, gtLabels);
  }

  @Override
  public AssignResult assign(float[] priors, int[] numLevelPriors, float[] gts, int[] gtLabels) {
    int n = priors.length / 4;
    int g = gtLabels.length;
    int[] gtInds = new int[n];
    float[] maxOverlaps = new float[n];
    int[] labels = new int[n];
    Arrays.fill(labels, -1);
    if (g == 0 || n == 0) {
      return new AssignResult(g, gtInds, maxOverlaps, labels);
    }
    float[][] overlaps = BboxOverlaps.iou(gts, priors); // [G][N]
    float[] acx = new float[n];
    float[] acy = new float[n];
    for (int i = 0; i < n; i++) {
      acx[i] = (priors[4 * i] + priors[4 * i + 2]) / 2f;
      acy[i] = (priors[4 * i + 1] + priors[4 * i + 3]) / 2f;
    }
    Arrays.fill(maxOverlaps, -INF);
    int[] bestGt = new int[n];
    Arrays.fill(bestGt, -1);
    for (int j = 0; j < g; j++) {
      float x1 = gts[4 * j];
      float y1 = gts[4 * j + 1];
      float x2 = gts[4 * j + 2];
      float y2 = gts[4 * j + 3];
      float gcx = (x1 + x2) / 2f;
      float gcy = (y1 + y2) / 2f;
      float[] dist = new float[n];
      for (int i = 0; i < n; i++) {
        float dx = acx[i] - gcx;
        float dy = acy[i] - gcy;
        dist[i] = (float) Math.sqrt(dx * dx + dy * dy);
      }
      int[] cand = candidates(dist, numLevelPriors);
      int k = cand.length;
      double sum = 0;
      for (int c : cand) {
        sum += overlaps[j][c];
      }
      float mean = (float) (sum / k);
      double ss = 0;
      for (int c : cand) {
        double d = overlaps[j][c] - mean;
        ss += d * d;
      }
      float std = k > 1 ? (float) Math.sqrt(ss / (k - 1)) : Float.NaN;
      float thr = mean + std;
      for (int c : cand) {
        float iou = overlaps[j][c];
        float l = acx[c] - x1;
        float t = acy[c] - y1;
        float r = x2 - acx[c];
        float bt = y2 - acy[c];
        boolean inside = Math.min(Math.min(l, t), Math.min(r, bt)) > 0.01f;
        if (iou >= thr && inside && iou > maxOverlaps[c]) {
          // Strictly greater: torch's max(dim) keeps the first (lowest) gt on equal IoUs.
          maxOverlaps[c] = iou;
          bestGt[c] = j;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (bestGt[i] >= 0) {
        gtInds[i] = bestGt[i] + 1;
        labels[i] = gtLabels[bestGt[i]];
      }
    }
    return new AssignResult(g, gtInds, maxOverlaps, labels);
  }

  /** The {@code min(topk, N_l)} nearest priors of each level (ties by index), levels in order. */
  private int[] candidates(float[] dist, int[] numLevelPriors) {
    int total = 0;
    for (int nl : numLevelPriors) {
      total += Math.min(args.topk(), nl);
    }
    int[] out = new int[total];
    int o = 0;
    int start = 0;
    for (int nl : numLevelPriors) {
      int k = Math.min(args.topk(), nl);
      int[] idx =
          StableArgsort.order(
              dist, java.util.stream.IntStream.range(start, start + nl).toArray(), false);
      for (int i = 0; i < k; i++) {
        out[o++] = idx[i];
      }
      start += nl;
    }
    return out;
  }
}
