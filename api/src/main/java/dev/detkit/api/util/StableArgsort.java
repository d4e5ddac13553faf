package dev.detkit.api.util;

/**
 * detkit's one stable argsort: a merge sort of indices by {@code double} keys, ties in index order
 * (numpy's {@code kind='mergesort'}, and what sort and top-k promise on every backend). NaN sorts
 * as the largest value and -0.0 equals 0.0, as in PyTorch. Indices are sorted in place with caller-
 * owned scratch, so the COCO evaluator's per-image loop allocates nothing.
 */
public final class StableArgsort {
  /** Below this run length insertion sort is faster than merging. */
  private static final int INSERTION_SORT_MAX = 24;

  private StableArgsort() {}

  /** The stable order of {@code keys[from..from+n)}, positions relative to {@code from}. */
  public static int[] argsort(double[] keys, int from, int n, boolean descending) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    sort(keys, from, idx, new int[n], 0, n, descending);
    return idx;
  }

  /** {@code indices} stably reordered by {@code keys[index]} (NMS, assigners). */
  public static int[] order(float[] keys, int[] indices, boolean descending) {
    int n = indices.length;
    double[] k = new double[n];
    for (int i = 0; i < n; i++) {
      k[i] = keys[indices[i]];
    }
    int[] pos = argsort(k, 0, n, descending);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = indices[pos[i]];
    }
    return out;
  }

  /**
   * Stable-sorts {@code idx[lo..hi)}, positions relative to {@code base} in {@code keys}; {@code
   * tmp} is scratch at least as long as {@code idx}.
   */
  public static void sort(
      double[] keys, int base, int[] idx, int[] tmp, int lo, int hi, boolean descending) {
    if (hi - lo <= INSERTION_SORT_MAX) {
      for (int i = lo + 1; i < hi; i++) {
        int v = idx[i];
        int j = i - 1;
        while (j >= lo && before(keys[base + v], keys[base + idx[j]], descending)) {
          idx[j + 1] = idx[j];
          j--;
        }
        idx[j + 1] = v;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    sort(keys, base, idx, tmp, lo, mid, descending);
    sort(keys, base, idx, tmp, mid, hi, descending);
    if (!before(keys[base + idx[mid]], keys[base + idx[mid - 1]], descending)) {
      return; // the runs are already in order
    }
    System.arraycopy(idx, lo, tmp, lo, hi - lo);
    int i = lo;
    int j = mid;
    int o = lo;
    while (i < mid && j < hi) {
      // take from the right run only when strictly before: ties keep the left (earlier) first
      idx[o++] = before(keys[base + tmp[j]], keys[base + tmp[i]], descending) ? tmp[j++] : tmp[i++];
    }
    while (i < mid) {
      idx[o++] = tmp[i++];
    }
    while (j < hi) {
      idx[o++] = tmp[j++];
    }
  }

  /** Whether {@code a} strictly precedes {@code b}. */
  private static boolean before(double a, double b, boolean descending) {
    int c = compare(a, b);
    return descending ? c > 0 : c < 0;
  }

  /** Orders by value; NaN is the largest value and -0.0 equals 0.0. */
  private static int compare(double a, double b) {
    if (a < b) {
      return -1;
    }
    if (a > b) {
      return 1;
    }
    if (a == b) {
      return 0; // also -0.0 == 0.0
    }
    boolean na = Double.isNaN(a);
    return na == Double.isNaN(b) ? 0 : (na ? 1 : -1);
  }
}
