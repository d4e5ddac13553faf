package dev.detkit.evaluation;

import java.util.Arrays;

/**
 * Which ground truths and detections each (category, image) pair of an evaluation holds, in the
 * order pycocotools builds its {@code _gts}/{@code _dts} lists: annotations and results keep file
 * order within a pair; with {@code useCats=false} a pair is an image and its lists run category by
 * category (in {@code catIds} order). Only pairs with at least one gt or dt exist (pycocotools'
 * {@code evaluateImg} returns None for the others). Pairs are ordered by category, then by image
 * id, which is the order {@code accumulate} concatenates them in.
 */
final class EvalPlan {
  final CocoParams params;
  final CocoGroundTruth gt;
  final CocoDetections dt;

  /** Evaluated image ids (ascending) and their gt image indices. */
  final long[] imgIds;

  /** Evaluated category ids (ascending); {@code [-1]} when useCats is false. */
  final long[] catIds;

  final int pairCount;
  final int[] pairCat;
  final int[] pairImg;
  final int[] gtStart; // pairCount + 1, into gtList
  final int[] gtList;
  final int[] dtStart; // pairCount + 1, into dtList
  final int[] dtList;

  /** Pairs of category k are {@code catPairStart[k] .. catPairStart[k+1]}. */
  final int[] catPairStart;

  /** Offsets of each pair's evaluated (sorted, truncated) detections; pairCount + 1 entries. */
  final int[] evalDtStart;

  EvalPlan(CocoParams params, CocoGroundTruth gt, CocoDetections dt) {
    if (dt.groundTruth() != gt) {
      throw new IllegalArgumentException(
          "the detections were built against another ground truth than the one evaluated");
    }
    this.params = params;
    this.gt = gt;
    this.dt = dt;

    // images: gt index -> evaluation position
    long[] wantImgs = params.imgIds() == null ? gt.imageIds() : params.imgIds();
    int[] imgPos = new int[gt.imageCount()];
    Arrays.fill(imgPos, -1);
    for (int i = 0; i < wantImgs.length; i++) {
      int g = gt.imageIndex(wantImgs[i]);
      if (g < 0) {
        throw new IllegalArgumentException(
            "params.imgIds: " + wantImgs[i] + " is not an image of " + gt.source());
      }
      imgPos[g] = i;
    }
    this.imgIds = wantImgs;
    int nImg = wantImgs.length;

    long[] wantCats = params.catIds() == null ? gt.categoryIds() : params.catIds();
    int[] catPos = new int[gt.categoryCount()];
    Arrays.fill(catPos, -1);
    for (int k = 0; k < wantCats.length; k++) {
      int c = gt.categoryIndex(wantCats[k]);
      if (c < 0) {
        throw new IllegalArgumentException(
            "params.catIds: " + wantCats[k] + " is not a category of " + gt.source());
      }
      catPos[c] = k;
    }
    boolean useCats = params.useCats();
    this.catIds = useCats ? wantCats : new long[] {-1};
    int nCat = wantCats.length;
    long keySpace = (long) nImg * Math.max(1, nCat);
    if (keySpace >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "too many (image, category) pairs: " + nImg + " images x " + nCat + " categories");
    }

    long[] gtKeys = keys(gt.annImage, gt.annCategory, imgPos, catPos, nImg, nCat, useCats);
    long[] dtKeys = keys(dt.image, dt.category, imgPos, catPos, nImg, nCat, useCats);

    // merge the two sorted key lists into pairs
    int np = 0;
    int[] pc = new int[gtKeys.length + dtKeys.length];
    int[] pi = new int[pc.length];
    int[] gs = new int[pc.length + 1];
    int[] ds = new int[pc.length + 1];
    int a = 0;
    int b = 0;
    while (a < gtKeys.length || b < dtKeys.length) {
      long ka = a < gtKeys.length ? pairKey(gtKeys[a], nCat, useCats) : Long.MAX_VALUE;
      long kb = b < dtKeys.length ? pairKey(dtKeys[b], nCat, useCats) : Long.MAX_VALUE;
      long key = Math.min(ka, kb);
      gs[np] = a;
      ds[np] = b;
      while (a < gtKeys.length && pairKey(gtKeys[a], nCat, useCats) == key) {
        a++;
      }
      while (b < dtKeys.length && pairKey(dtKeys[b], nCat, useCats) == key) {
        b++;
      }
      pc[np] = useCats ? (int) (key / nImg) : 0;
      pi[np] = useCats ? (int) (key % nImg) : (int) key;
      np++;
    }
    gs[np] = a;
    ds[np] = b;
    this.pairCount = np;
    this.pairCat = Arrays.copyOf(pc, np);
    this.pairImg = Arrays.copyOf(pi, np);
    this.gtStart = Arrays.copyOf(gs, np + 1);
    this.dtStart = Arrays.copyOf(ds, np + 1);
    this.gtList = low32(gtKeys);
    this.dtList = low32(dtKeys);

    int nK = catIds.length;
    this.catPairStart = new int[nK + 1];
    int p = 0;
    for (int k = 0; k < nK; k++) {
      catPairStart[k] = p;
      while (p < np && pairCat[p] == k) {
        p++;
      }
    }
    catPairStart[nK] = np;

    int maxLast = params.maxDet(params.maxDetCount() - 1);
    this.evalDtStart = new int[np + 1];
    long total = 0;
    for (int q = 0; q < np; q++) {
      evalDtStart[q] = (int) total;
      total += Math.min(dtStart[q + 1] - dtStart[q], maxLast);
    }
    evalDtStart[np] = (int) total;
  }

  /** Sorted {@code (sortKey << 32) | index}: by pair, then category order, then file order. */
  private static long[] keys(
      int[] image, int[] category, int[] imgPos, int[] catPos, int nImg, int nCat, boolean use) {
    int n = 0;
    long[] out = new long[image.length];
    for (int j = 0; j < image.length; j++) {
      int i = imgPos[image[j]];
      int c = catPos[category[j]];
      if (i < 0 || c < 0) {
        continue;
      }
      long key = use ? (long) c * nImg + i : (long) i * nCat + c;
      out[n++] = (key << 32) | j;
    }
    out = Arrays.copyOf(out, n);
    if (n > 1 << 16) {
      Arrays.parallelSort(out);
    } else {
      Arrays.sort(out);
    }
    return out;
  }

  private static long pairKey(long encoded, int nCat, boolean useCats) {
    long key = encoded >>> 32;
    return useCats ? key : key / nCat;
  }

  private static int[] low32(long[] encoded) {
    int[] out = new int[encoded.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) encoded[i];
    }
    return out;
  }

  int imageCount() {
    return imgIds.length;
  }

  int categoryCount() {
    return catIds.length;
  }
}
