package dev.detkit.api.tensor;

import dev.detkit.api.util.StableArgsort;

/**
 * Sort and top-k done on the host with {@link StableArgsort}, so that sort and top-k break ties
 * identically (lower index first) on every backend. Native sorts (PyTorch's included) leave tie
 * order unspecified.
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
      StableArgsort.sort(values, r * n, idx, tmp, 0, n, largest);
      for (int i = 0; i < k; i++) {
        out[r * k + i] = idx[i];
      }
    }
    return out;
  }
}
