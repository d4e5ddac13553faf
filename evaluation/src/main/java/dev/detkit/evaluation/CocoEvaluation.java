package dev.detkit.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What pycocotools' {@code COCOeval.eval} holds after {@code accumulate()}: {@code precision} and
 * {@code scores} [T, R, K, A, M] and {@code recall} [T, K, A, M] (row-major float64; -1 where a
 * category has no non-ignored gt), plus the parameters and the evaluated image and category ids.
 * {@link #summarize()} gives the 12 stats.
 */
public final class CocoEvaluation {
  private final EvalPlan plan;
  private final double[] precision;
  private final double[] recall;
  private final double[] scores;
  private final long evaluateNanos;
  private final long accumulateNanos;

  CocoEvaluation(
      EvalPlan plan,
      double[] precision,
      double[] recall,
      double[] scores,
      long evaluateNanos,
      long accumulateNanos) {
    this.plan = plan;
    this.precision = precision;
    this.recall = recall;
    this.scores = scores;
    this.evaluateNanos = evaluateNanos;
    this.accumulateNanos = accumulateNanos;
  }

  public CocoParams params() {
    return plan.params;
  }

  /** The ground truth evaluated against (for category names). */
  public CocoGroundTruth groundTruth() {
    return plan.gt;
  }

  /** The evaluated category ids, ascending ({@code [-1]} when useCats is false): axis K. */
  public long[] categoryIds() {
    return plan.catIds.clone();
  }

  /** The evaluated image ids, ascending. */
  public long[] imageIds() {
    return plan.imgIds.clone();
  }

  /** {@code [T, R, K, A, M]}, the shape of {@link #precision()} and {@link #scores()}. */
  public int[] precisionShape() {
    CocoParams p = plan.params;
    return new int[] {
      p.iouCount(), p.recallCount(), plan.categoryCount(), p.areaCount(), p.maxDetCount()
    };
  }

  /** {@code [T, K, A, M]}, the shape of {@link #recall()}. */
  public int[] recallShape() {
    CocoParams p = plan.params;
    return new int[] {p.iouCount(), plan.categoryCount(), p.areaCount(), p.maxDetCount()};
  }

  /** A copy of {@code eval['precision']}, row-major [T, R, K, A, M]. */
  public double[] precision() {
    return precision.clone();
  }

  /** A copy of {@code eval['recall']}, row-major [T, K, A, M]. */
  public double[] recall() {
    return recall.clone();
  }

  /** A copy of {@code eval['scores']}, row-major [T, R, K, A, M]. */
  public double[] scores() {
    return scores.clone();
  }

  public double precision(int t, int r, int k, int a, int m) {
    int[] s = precisionShape();
    return precision[(((t * s[1] + r) * s[2] + k) * s[3] + a) * s[4] + m];
  }

  public double recall(int t, int k, int a, int m) {
    int[] s = recallShape();
    return recall[((t * s[1] + k) * s[2] + a) * s[3] + m];
  }

  /** Wall time of the matching phase (pycocotools' {@code evaluate()}), in nanoseconds. */
  public long evaluateNanos() {
    return evaluateNanos;
  }

  /** Wall time of the accumulation phase, in nanoseconds. */
  public long accumulateNanos() {
    return accumulateNanos;
  }

  /** pycocotools' {@code evalImgs} for one area range, without the None entries. */
  public List<ImageEvaluation> imageEvaluations(int areaIndex) {
    return CocoEvaluator.imageEvaluations(plan, areaIndex);
  }

  /**
   * pycocotools' {@code summarize()} for bbox: the 12 stats and the 12 lines it prints. Needs at
   * least three maxDets (it reads {@code maxDets[0..2]}); stat 0 is always taken at maxDets=100.
   */
  public CocoSummary summarize() {
    CocoParams p = plan.params;
    if (p.maxDetCount() < 3) {
      throw new IllegalStateException(
          "summarize() reads maxDets[0], [1] and [2] (as pycocotools does) but maxDets has "
              + p.maxDetCount()
              + " value(s)");
    }
    int m0 = p.maxDet(0);
    int m1 = p.maxDet(1);
    int m2 = p.maxDet(2);
    List<String> lines = new ArrayList<>(12);
    double[] stats = new double[12];
    stats[0] = summarizeOne(true, null, "all", 100, lines);
    stats[1] = summarizeOne(true, 0.5, "all", m2, lines);
    stats[2] = summarizeOne(true, 0.75, "all", m2, lines);
    stats[3] = summarizeOne(true, null, "small", m2, lines);
    stats[4] = summarizeOne(true, null, "medium", m2, lines);
    stats[5] = summarizeOne(true, null, "large", m2, lines);
    stats[6] = summarizeOne(false, null, "all", m0, lines);
    stats[7] = summarizeOne(false, null, "all", m1, lines);
    stats[8] = summarizeOne(false, null, "all", m2, lines);
    stats[9] = summarizeOne(false, null, "small", m2, lines);
    stats[10] = summarizeOne(false, null, "medium", m2, lines);
    stats[11] = summarizeOne(false, null, "large", m2, lines);
    List<String> names =
        List.of(
            "AP",
            "AP50@" + m2,
            "AP75@" + m2,
            "APs@" + m2,
            "APm@" + m2,
            "APl@" + m2,
            "AR@" + m0,
            "AR@" + m1,
            "AR@" + m2,
            "ARs@" + m2,
            "ARm@" + m2,
            "ARl@" + m2);
    return new CocoSummary(stats, names, lines);
  }

  /**
   * cocoeval.py's {@code _summarize}: the mean of the selected cells that are > -1 (numpy's
   * pairwise sum, cells in row-major order), or -1 when there are none.
   */
  private double summarizeOne(
      boolean ap, Double iouThr, String areaLbl, int maxDets, List<String> lines) {
    CocoParams p = plan.params;
    int nT = p.iouCount();
    int nR = p.recallCount();
    int nK = plan.categoryCount();
    int nA = p.areaCount();
    int nM = p.maxDetCount();
    List<Integer> tSel = new ArrayList<>();
    for (int t = 0; t < nT; t++) {
      if (iouThr == null || p.iouThr(t) == iouThr) {
        tSel.add(t);
      }
    }
    // s[..., aind, mind]: numpy broadcasts the two index lists against each other
    List<Integer> aind = new ArrayList<>();
    for (int a = 0; a < nA; a++) {
      if (p.areaLabel(a).equals(areaLbl)) {
        aind.add(a);
      }
    }
    List<Integer> mind = new ArrayList<>();
    for (int m = 0; m < nM; m++) {
      if (p.maxDet(m) == maxDets) {
        mind.add(m);
      }
    }
    int pairs = broadcast(aind.size(), mind.size());
    int rows = ap ? nR : 1;
    double[] vals = new double[tSel.size() * rows * nK * pairs];
    int n = 0;
    for (int t : tSel) {
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < nK; k++) {
          for (int j = 0; j < pairs; j++) {
            int a = aind.get(aind.size() == 1 ? 0 : j);
            int m = mind.get(mind.size() == 1 ? 0 : j);
            double v =
                ap
                    ? precision[(((t * nR + r) * nK + k) * nA + a) * nM + m]
                    : recall[((t * nK + k) * nA + a) * nM + m];
            if (v > -1) {
              vals[n++] = v;
            }
          }
        }
      }
    }
    double mean = n == 0 ? -1 : NumpyMath.mean(vals, n);
    String iouStr =
        iouThr == null
            ? NumpyMath.formatFixed(p.iouThr(0), 2)
                + ":"
                + NumpyMath.formatFixed(p.iouThr(nT - 1), 2)
            : NumpyMath.formatFixed(iouThr, 2);
    lines.add(
        String.format(
            Locale.ROOT,
            " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s",
            ap ? "Average Precision" : "Average Recall",
            ap ? "(AP)" : "(AR)",
            iouStr,
            areaLbl,
            maxDets,
            NumpyMath.formatFixed(mean, 3)));
    return mean;
  }

  private static int broadcast(int a, int m) {
    if (a == m || m == 1) {
      return a;
    }
    if (a == 1) {
      return m;
    }
    throw new IllegalStateException(
        "shape mismatch: "
            + a
            + " area ranges and "
            + m
            + " maxDets match the summary's selection (numpy would fail to broadcast them)");
  }
}
