package dev.detkit.evaluation;

import dev.detkit.api.util.StableArgsort;

/**
 * pycocotools' {@code accumulate} for one category (one instance per worker thread; not
 * thread-safe). For each area range and maxDet: the detections of every image (each image's first
 * maxDet, images in ascending id order) are sorted by descending score with a stable sort, so ties
 * keep image order and then per-image order; true and false positives are accumulated over that
 * order (ignored detections count as neither but keep their place); recall is {@code tp / npig},
 * precision {@code tp / (fp + tp + np.spacing(1))}, made non-increasing from the right; the
 * precision at recall threshold r is taken at {@code searchsorted(rc, r, 'left')} and left 0 past
 * the end. Cells whose category has no non-ignored gt stay -1.
 *
 * <p>One stable sort per category serves every area range and maxDet: the order restricted to the
 * detections a smaller maxDet keeps is the stable order of that subset.
 */
final class Accumulator {
  private final EvalPlan plan;
  private final CocoParams params;
  private final int[] evalDt;
  private final int[] npig;
  private final byte[] flags;
  private final int nT;
  private final int nR;
  private final int nK;
  private final int nA;
  private final int nM;

  private double[] scores = new double[0];
  private int[] rank = new int[0];
  private int[] order = new int[0];
  private int[] tmp = new int[0];
  private int[] sel = new int[0];
  private double[] rc = new double[0];
  private double[] pr = new double[0];
  private final int[] tp;
  private final int[] fp;

  Accumulator(EvalPlan plan, int[] evalDt, int[] npig, byte[] flags) {
    this.plan = plan;
    this.params = plan.params;
    this.evalDt = evalDt;
    this.npig = npig;
    this.flags = flags;
    this.nT = params.iouCount();
    this.nR = params.recallCount();
    this.nK = plan.categoryCount();
    this.nA = params.areaCount();
    this.nM = params.maxDetCount();
    this.tp = new int[nT];
    this.fp = new int[nT];
  }

  /** Fills the cells of category k in precision/scores [T,R,K,A,M] and recall [T,K,A,M]. */
  void accumulate(int k, double[] precision, double[] recall, double[] scoreOut) {
    int p0 = plan.catPairStart[k];
    int p1 = plan.catPairStart[k + 1];
    int e0 = plan.evalDtStart[p0];
    int n = plan.evalDtStart[p1] - e0;
    ensure(n);
    double[] dtScore = plan.dt.score;
    for (int p = p0; p < p1; p++) {
      int from = plan.evalDtStart[p];
      int to = plan.evalDtStart[p + 1];
      for (int e = from; e < to; e++) {
        scores[e - e0] = dtScore[evalDt[e]];
        rank[e - e0] = e - from;
      }
    }
    for (int j = 0; j < n; j++) {
      order[j] = j;
    }
    StableArgsort.sort(scores, 0, order, tmp, 0, n, true);

    for (int m = 0; m < nM; m++) {
      int maxDet = params.maxDet(m);
      int nd = 0;
      for (int j = 0; j < n; j++) {
        int o = order[j];
        if (rank[o] < maxDet) {
          sel[nd++] = o;
        }
      }
      for (int a = 0; a < nA; a++) {
        long gtCount = 0;
        for (int p = p0; p < p1; p++) {
          gtCount += npig[p * nA + a];
        }
        if (gtCount == 0) {
          continue; // stays -1
        }
        double npigD = gtCount;
        curves(nd, e0, a, npigD);
        for (int t = 0; t < nT; t++) {
          interpolate(t, nd, k, a, m, precision, recall, scoreOut);
        }
      }
    }
  }

  /**
   * One (t, k, a, m) cell from the curves: recall at the end, the precision envelope, and
   * precision/score at each recall threshold.
   */
  private void interpolate(
      int t, int nd, int k, int a, int m, double[] precision, double[] recall, double[] scoreOut) {
    int off = t * nd;
    recall[index(t, k, a, m)] = nd > 0 ? rc[off + nd - 1] : 0;
    for (int i = off + nd - 1; i > off; i--) {
      if (pr[i] > pr[i - 1]) {
        pr[i - 1] = pr[i];
      }
    }
    for (int r = 0; r < nR; r++) {
      int at = searchsortedLeft(rc, off, nd, params.recThr(r));
      int cell = index(t, r, k, a, m);
      if (at >= nd) {
        // cocoeval.py's loop ends at the first index past the end: the rest stay 0
        for (int rr = r; rr < nR; rr++) {
          int c = index(t, rr, k, a, m);
          precision[c] = 0;
          scoreOut[c] = 0;
        }
        return;
      }
      precision[cell] = pr[off + at];
      scoreOut[cell] = scores[sel[at]];
    }
  }

  /**
   * Cumulative tp/fp over the selected order for every threshold at once: {@code rc[t*nd + j]} and
   * {@code pr[t*nd + j]}.
   */
  private void curves(int nd, int e0, int a, double npigD) {
    for (int t = 0; t < nT; t++) {
      tp[t] = 0;
      fp[t] = 0;
    }
    int stride = nA * nT;
    for (int j = 0; j < nd; j++) {
      int base = (e0 + sel[j]) * stride + a * nT;
      for (int t = 0; t < nT; t++) {
        byte f = flags[base + t];
        if (f == PairMatcher.TP) {
          tp[t]++;
        } else if (f == PairMatcher.FP) {
          fp[t]++;
        }
        double tpd = tp[t];
        int i = t * nd + j;
        rc[i] = tpd / npigD;
        pr[i] = tpd / ((double) fp[t] + tpd + NumpyMath.SPACING_1);
      }
    }
  }

  private static int searchsortedLeft(double[] a, int off, int n, double v) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[off + mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int index(int t, int r, int k, int a, int m) {
    return (((t * nR + r) * nK + k) * nA + a) * nM + m;
  }

  private int index(int t, int k, int a, int m) {
    return ((t * nK + k) * nA + a) * nM + m;
  }

  private void ensure(int n) {
    if (scores.length < n) {
      scores = new double[n];
      rank = new int[n];
      order = new int[n];
      tmp = new int[n];
      sel = new int[n];
    }
    if (rc.length < n * nT) {
      rc = new double[n * nT];
      pr = new double[n * nT];
    }
  }
}
