package dev.detkit.evaluation;

import dev.detkit.api.util.StableArgsort;

/**
 * pycocotools' {@code computeIoU} + {@code evaluateImg} for one (category, image) pair and every
 * area range, with reusable scratch arrays (one instance per worker thread; not thread-safe).
 *
 * <p>Per pair: detections are ordered by descending score (stable) and cut to the largest maxDet;
 * the IoU matrix (detections x gts, {@code bbIou} of maskApi.c) is computed once. Per area range: a
 * gt is ignored when crowd or when its {@code area} field lies outside the range; gts are ordered
 * non-ignored first (stable); then, per IoU threshold and per detection in score order, the greedy
 * match of cocoeval.py: skip gts already matched (unless crowd), stop at the first ignored gt once
 * a non-ignored one matched, take the last gt with IoU {@code >=} the best so far (starting at
 * {@code min(t, 1-1e-10)}). Unmatched detections whose box area lies outside the range are ignored.
 */
final class PairMatcher {
  /** Flag of a detection at one (area, IoU threshold): ignored. */
  static final byte IGNORED = 0;

  /** Flag: matched to a gt with a non-zero id (a true positive). */
  static final byte TP = 1;

  /** Flag: not matched, or matched to a gt whose id is 0 (pycocotools counts both as misses). */
  static final byte FP = 2;

  private static final double MAX_IOU = 1 - 1e-10;

  private final EvalPlan plan;
  private final CocoParams params;
  private final int nT;
  private final int nA;
  private final int maxLast;
  private final double[] iouThr;

  // scratch
  private int[] order = new int[16];
  private int[] sortTmp = new int[16];
  private double[] iou = new double[64];
  private int[] gts = new int[16];
  private int[] gtOrder = new int[16];
  private boolean[] gtIgnored = new boolean[16];
  private boolean[] gtCrowdSorted = new boolean[16];
  private boolean[] gtIgnoredSorted = new boolean[16];
  private boolean[] gtMatched = new boolean[16];
  private boolean[] dtOutside = new boolean[16];

  PairMatcher(EvalPlan plan) {
    this.plan = plan;
    this.params = plan.params;
    this.nT = params.iouCount();
    this.nA = params.areaCount();
    this.maxLast = params.maxDet(params.maxDetCount() - 1);
    this.iouThr = new double[nT];
    for (int t = 0; t < nT; t++) {
      iouThr[t] = Math.min(params.iouThr(t), MAX_IOU);
    }
  }

  /**
   * Evaluates pair {@code p} for every area range: writes its sorted detections to {@code
   * evalDt[plan.evalDtStart[p] ..]}, the number of non-ignored gts per area to {@code npig[p * A +
   * a]}, and the flag ({@link #IGNORED}, {@link #TP}, {@link #FP}) of each evaluated detection d at
   * area a and threshold t to {@code flags[((evalDtStart[p] + d) * A + a) * T + t]}.
   */
  void evaluatePair(int p, int[] evalDt, int[] npig, byte[] flags) {
    int d0 = plan.evalDtStart[p];
    int nd = prepare(p);
    System.arraycopy(order, 0, evalDt, d0, nd);
    int ng = plan.gtStart[p + 1] - plan.gtStart[p];
    for (int a = 0; a < nA; a++) {
      npig[p * nA + a] = sortGts(ng, a);
      markOutside(nd, a);
      int base = d0 * nA * nT + a * nT;
      match(nd, ng, flags, base, nA * nT, null, null);
    }
  }

  /** The full pycocotools evalImgs entry of pair {@code p} at area range {@code a}. */
  ImageEvaluation detail(int p, int a) {
    int nd = prepare(p);
    int ng = plan.gtStart[p + 1] - plan.gtStart[p];
    sortGts(ng, a);
    markOutside(nd, a);
    long[] dtm = new long[nT * nd];
    long[] gtm = new long[nT * ng];
    byte[] flags = new byte[nT * nd];
    match(nd, ng, flags, 0, nT, dtm, gtm);
    CocoGroundTruth gt = plan.gt;
    CocoDetections dt = plan.dt;
    long[] dtIds = new long[nd];
    double[] dtScores = new double[nd];
    for (int d = 0; d < nd; d++) {
      dtIds[d] = order[d] + 1L;
      dtScores[d] = dt.score[order[d]];
    }
    long[] gtIds = new long[ng];
    boolean[] gtIg = new boolean[ng];
    for (int g = 0; g < ng; g++) {
      gtIds[g] = gt.annId[gts[gtOrder[g]]];
      gtIg[g] = gtIgnoredSorted[g];
    }
    boolean[] dtIg = new boolean[nT * nd];
    for (int t = 0; t < nT; t++) {
      for (int d = 0; d < nd; d++) {
        dtIg[t * nd + d] = flags[d * nT + t] == IGNORED;
      }
    }
    long catId = plan.catIds[plan.pairCat[p]];
    return new ImageEvaluation(
        plan.imgIds[plan.pairImg[p]],
        catId,
        params.areaLabel(a),
        maxLast,
        dtIds,
        gtIds,
        dtm,
        gtm,
        dtScores,
        gtIg,
        dtIg);
  }

  /**
   * Orders the pair's detections by descending score (stable) into {@code order} (global dt
   * indices), cut to the largest maxDet, computes the IoU matrix against the pair's gts in file
   * order and loads {@code gts}; returns the number of detections kept.
   */
  private int prepare(int p) {
    CocoDetections dt = plan.dt;
    CocoGroundTruth gt = plan.gt;
    int dFrom = plan.dtStart[p];
    int nAll = plan.dtStart[p + 1] - dFrom;
    if (order.length < nAll) {
      order = new int[nAll];
      sortTmp = new int[nAll];
    }
    int[] dtList = plan.dtList;
    for (int i = 0; i < nAll; i++) {
      order[i] = dtList[dFrom + i];
    }
    sortByScore(dt.score, nAll);
    int nd = Math.min(nAll, maxLast);

    int gFrom = plan.gtStart[p];
    int ng = plan.gtStart[p + 1] - gFrom;
    if (gts.length < ng) {
      int cap = Math.max(ng, gts.length * 2);
      gts = new int[cap];
      gtOrder = new int[cap];
      gtIgnored = new boolean[cap];
      gtCrowdSorted = new boolean[cap];
      gtIgnoredSorted = new boolean[cap];
      gtMatched = new boolean[cap];
    }
    System.arraycopy(plan.gtList, gFrom, gts, 0, ng);
    if (dtOutside.length < nd) {
      dtOutside = new boolean[Math.max(nd, dtOutside.length * 2)];
    }
    if (nd > 0 && ng > 0) {
      computeIou(nd, ng, dt, gt);
    }
    return nd;
  }

  /** Stable descending sort of {@code order[0..n)} by score; ties keep file order. */
  private void sortByScore(double[] score, int n) {
    if (n < 2) {
      return;
    }
    // order[] holds global indices in file order, which is also their tie order
    StableArgsort.sort(score, 0, order, sortTmp, 0, n, true);
  }

  /** maskApi.c {@code bbIou}: no +1, 0 when the overlap is empty, crowd gts divide by dt area. */
  private void computeIou(int nd, int ng, CocoDetections dt, CocoGroundTruth gt) {
    if (iou.length < nd * ng) {
      iou = new double[Math.max(nd * ng, iou.length * 2)];
    }
    for (int d = 0; d < nd; d++) {
      int j = order[d];
      double dx = dt.x[j];
      double dy = dt.y[j];
      double dw = dt.w[j];
      double dh = dt.h[j];
      double da = dw * dh;
      int row = d * ng;
      for (int g = 0; g < ng; g++) {
        int k = gts[g];
        double gx = gt.annX[k];
        double gy = gt.annY[k];
        double gw = gt.annW[k];
        double gh = gt.annH[k];
        double o = 0;
        double w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
        if (w > 0) {
          double h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
          if (h > 0) {
            double inter = w * h;
            double u = gt.annCrowd[k] ? da : da + gw * gh - inter;
            o = inter / u;
          }
        }
        iou[row + g] = o;
      }
    }
  }

  /**
   * Sets the ignore flags of the pair's gts for area range a and orders them non-ignored first
   * (stable); returns the number of non-ignored gts.
   */
  private int sortGts(int ng, int a) {
    CocoGroundTruth gt = plan.gt;
    double lo = params.areaLo(a);
    double hi = params.areaHi(a);
    int kept = 0;
    for (int g = 0; g < ng; g++) {
      int k = gts[g];
      double area = gt.annArea[k];
      boolean ig = gt.annCrowd[k] || area < lo || area > hi;
      gtIgnored[g] = ig;
      if (!ig) {
        kept++;
      }
    }
    int front = 0;
    int back = kept;
    for (int g = 0; g < ng; g++) {
      int pos = gtIgnored[g] ? back++ : front++;
      gtOrder[pos] = g;
      gtIgnoredSorted[pos] = gtIgnored[g];
      gtCrowdSorted[pos] = gt.annCrowd[gts[g]];
    }
    return kept;
  }

  /** Marks detections whose box area {@code w*h} lies outside area range a. */
  private void markOutside(int nd, int a) {
    CocoDetections dt = plan.dt;
    double lo = params.areaLo(a);
    double hi = params.areaHi(a);
    for (int d = 0; d < nd; d++) {
      int j = order[d];
      double area = dt.w[j] * dt.h[j];
      dtOutside[d] = area < lo || area > hi;
    }
  }

  /**
   * The greedy matching for every IoU threshold. Writes flag of detection d at threshold t to
   * {@code flags[base + d * stride + t]}; when {@code dtm}/{@code gtm} are given, also the matched
   * gt id per [t][d] and the matched dt id per [t][g] (0 = none), as pycocotools' dtMatches and
   * gtMatches.
   */
  private void match(int nd, int ng, byte[] flags, int base, int stride, long[] dtm, long[] gtm) {
    long[] annId = plan.gt.annId;
    for (int t = 0; t < nT; t++) {
      double thr = iouThr[t];
      for (int g = 0; g < ng; g++) {
        gtMatched[g] = false;
      }
      for (int d = 0; d < nd; d++) {
        int m = -1;
        if (ng > 0) {
          double best = thr;
          int row = d * ng;
          for (int g = 0; g < ng; g++) {
            if (gtMatched[g] && !gtCrowdSorted[g]) {
              continue;
            }
            if (m > -1 && !gtIgnoredSorted[m] && gtIgnoredSorted[g]) {
              break;
            }
            double v = iou[row + gtOrder[g]];
            if (v < best) {
              continue;
            }
            best = v;
            m = g;
          }
        }
        boolean ignored;
        long matchedId;
        if (m != -1) {
          ignored = gtIgnoredSorted[m];
          matchedId = annId[gts[gtOrder[m]]];
          gtMatched[m] = true;
          if (gtm != null) {
            gtm[t * ng + m] = order[d] + 1L;
          }
        } else {
          ignored = false;
          matchedId = 0;
        }
        if (dtm != null) {
          dtm[t * nd + d] = matchedId;
        }
        // dtIg |= (dtm == 0) & outside: an id-0 gt counts as "no match", as in numpy
        if (matchedId == 0 && dtOutside[d]) {
          ignored = true;
        }
        flags[base + d * stride + t] = ignored ? IGNORED : matchedId != 0 ? TP : FP;
      }
    }
  }
}
