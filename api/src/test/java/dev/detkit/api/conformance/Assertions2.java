package dev.detkit.api.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.detkit.api.tensor.Tensor;

/** Numeric comparison helpers shared by the conformance tests. */
public final class Assertions2 {
  private Assertions2() {}

  /** Largest absolute difference; fails on a shape mismatch or a NaN where the other has none. */
  public static double maxAbsDiff(float[] actual, double[] expected) {
    if (actual.length != expected.length) {
      fail("length " + actual.length + " != expected " + expected.length);
    }
    double m = 0;
    for (int i = 0; i < actual.length; i++) {
      if (Double.isNaN(actual[i]) != Double.isNaN(expected[i])) {
        fail("NaN mismatch at " + i + ": " + actual[i] + " vs " + expected[i]);
      }
      if (!Double.isNaN(expected[i])) {
        m = Math.max(m, Math.abs(actual[i] - expected[i]));
      }
    }
    return m;
  }

  /** Asserts shape equality and {@code |a - e| <= atol + rtol * |e|} element-wise. */
  public static void assertClose(
      Tensor actual, Ref expected, double atol, double rtol, String what) {
    assertArrayEquals(expected.shape(), actual.shape().dims(), what + ": shape");
    float[] a = actual.toFloatArray();
    for (int i = 0; i < a.length; i++) {
      double e = expected.v[i];
      double tol = atol + rtol * Math.abs(e);
      if (!(Math.abs(a[i] - e) <= tol) && !(Double.isInfinite(e) && a[i] == e)) {
        fail(
            what
                + ": element "
                + i
                + " is "
                + a[i]
                + ", expected "
                + e
                + " (max abs diff "
                + maxAbsDiff(a, expected.v)
                + ", tolerance "
                + tol
                + ")");
      }
    }
  }

  /** Asserts two tensors of the same shape agree to {@code atol} absolute. */
  public static void assertClose(Tensor actual, Tensor expected, double atol, String what) {
    assertArrayEquals(expected.shape().dims(), actual.shape().dims(), what + ": shape");
    float[] e = expected.toFloatArray();
    double[] ed = new double[e.length];
    for (int i = 0; i < e.length; i++) {
      ed[i] = e[i];
    }
    double d = maxAbsDiff(actual.toFloatArray(), ed);
    if (d > atol) {
      fail(what + ": max abs difference " + d + " > " + atol);
    }
  }
}
