package dev.detkit.api.tensor;

/**
 * Stable sorting done on the host, so that sort and top-k break ties identically (lower index
 * first) on every backend. Native sorts (PyTorch's included) leave tie order unspecified.
 */
final class HostSort {
  private HostSort() {}

  /**
   * Row-major indices of the top {@code k} elements of every row along {@code axis}, laid out with
   * that axis last.
   */
  static long[] topKIndices(Tensor t, int axis, int k, boolean largest) {
    double[] values;
    if (axis == t.rank() - 1) {
      values = t.toDoubleArray();
    } else {
      int[] perm = new int[t.rank()];
      for (int i = 0, j = 0; i < perm.length; i++) {
        if (i != axis) {
          perm[j++] = i;
        }
      }
      perm[perm.length - 1] = axis;
      try (Tensor moved = t.permute(perm)) {
        values = moved.toDoubleArray();
      }
    }
    int n = t.dim(axis);
    int rows = n == 0 ? 0 : values.length / n;
    long[] out = new long[rows * k];
    int[] idx = new int[n];
    int[] tmp = new int[n];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      mergeSort(idx, tmp, 0, n, values, r * n, largest);
      for (int i = 0; i < k; i++) {
        out[r * k + i] = idx[i];
      }
    }
    return out;
  }

  /** Orders by value; NaN is the largest value and -0.0 equals 0.0, as in PyTorch. */
  private static int compare(double a, double b) {
    boolean na = Double.isNaN(a);
    boolean nb = Double.isNaN(b);
    if (na || nb) {
      return na == nb ? 0 : (na ? 1 : -1);
    }
    return a < b ? -1 : (a > b ? 1 : 0);
  }

  private static boolean before(double[] v, int off, int i, int j, boolean descending) {
    int c = compare(v[off + i], v[off + j]);
    return descending ? c > 0 : c < 0;
  }

  /** Stable merge sort of {@code idx[lo, hi)} by the keys {@code v[off + idx]}. */
  private static void mergeSort(
      int[] idx, int[] tmp, int lo, int hi, double[] v, int off, boolean descending) {
    if (hi - lo < 2) {
      return;
    }
    if (hi - lo <= 16) {
      for (int i = lo + 1; i < hi; i++) {
        int x = idx[i];
        int j = i - 1;
        while (j >= lo && before(v, off, x, idx[j], descending)) {
          idx[j + 1] = idx[j];
          j--;
        }
        idx[j + 1] = x;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(idx, tmp, lo, mid, v, off, descending);
    mergeSort(idx, tmp, mid, hi, v, off, descending);
    if (!before(v, off, idx[mid], idx[mid - 1], descending)) {
      return;
    }
    System.arraycopy(idx, lo, tmp, lo, hi - lo);
    int i = lo;
    int j = mid;
    for (int o = lo; o < hi; o++) {
      if (j >= hi || (i < mid && !before(v, off, tmp[j], tmp[i], descending))) {
        idx[o] = tmp[i++];
      } else {
        idx[o] = tmp[j++];
      }
    }
  }
}
