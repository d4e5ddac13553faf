package dev.detkit.evaluation;

import dev.detkit.api.util.StableArgsort;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The few numpy and Python numeric routines whose exact results pycocotools and mmdet depend on:
 * numpy's pairwise float64 summation (so means are bit-identical), {@code np.linspace}, a stable
 * descending argsort ({@code np.argsort(-x, kind='mergesort')}), numpy's {@code round(x, 3)} and
 * Python's {@code '{:.3f}'} formatting.
 */
final class NumpyMath {
  /** {@code np.spacing(1)}: the gap between 1.0 and the next double. */
  static final double SPACING_1 = Math.ulp(1.0);

  private static final int PAIRWISE_BLOCK = 128;

  private NumpyMath() {}

  /** {@code np.linspace(start, stop, num)} in float64, element for element. */
  static double[] linspace(double start, double stop, int num) {
    if (num < 0) {
      throw new IllegalArgumentException("linspace: num must be >= 0, got " + num);
    }
    double[] y = new double[num];
    int div = num - 1;
    double delta = stop - start;
    if (div > 0) {
      double step = delta / div;
      for (int i = 0; i < num; i++) {
        y[i] = step == 0 ? ((double) i / div) * delta + start : i * step + start;
      }
      y[num - 1] = stop;
    } else if (num == 1) {
      y[0] = 0.0 * delta + start;
    }
    return y;
  }

  /**
   * numpy's {@code np.add.reduce} of a contiguous float64 array: pairwise summation with blocks of
   * 128 and eight partial sums, so that a mean equals numpy's to the last bit.
   */
  static double pairwiseSum(double[] a, int from, int n) {
    if (n < 8) {
      double res = 0.0;
      for (int i = 0; i < n; i++) {
        res += a[from + i];
      }
      return res;
    } else if (n <= PAIRWISE_BLOCK) {
      double r0 = a[from];
      double r1 = a[from + 1];
      double r2 = a[from + 2];
      double r3 = a[from + 3];
      double r4 = a[from + 4];
      double r5 = a[from + 5];
      double r6 = a[from + 6];
      double r7 = a[from + 7];
      int i = 8;
      int end = n - (n % 8);
      for (; i < end; i += 8) {
        r0 += a[from + i];
        r1 += a[from + i + 1];
        r2 += a[from + i + 2];
        r3 += a[from + i + 3];
        r4 += a[from + i + 4];
        r5 += a[from + i + 5];
        r6 += a[from + i + 6];
        r7 += a[from + i + 7];
      }
      double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += a[from + i];
      }
      return res;
    } else {
      int n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }
  }

  /** {@code np.mean} of the first {@code n} values (n > 0). */
  static double mean(double[] a, int n) {
    return pairwiseSum(a, 0, n) / n;
  }

  /**
   * The stable order of {@code keys[from..from+n)} by descending value, as {@code np.argsort(-keys,
   * kind='mergesort')}: equal keys keep their order. Returns positions relative to {@code from}.
   */
  static int[] argsortDescending(double[] keys, int from, int n) {
    return StableArgsort.argsort(keys, from, n, true);
  }

  /**
   * numpy's {@code round(x, 3)} on a float64 ({@code rint(x * 1000) / 1000}), which mmdet applies
   * to {@code np.float64} stats. It differs from Python's correctly rounded {@code round} near
   * ties: numpy gives 0.474 for 0.4735, Python 0.473.
   */
  static double npRound3(double x) {
    return Math.rint(x * 1000.0) / 1000.0;
  }

  /**
   * Python's {@code '{:.Nf}'.format(x)}: the exact binary value rounded half-to-even to N decimals
   * ("nan", "inf" and "-inf" for non-finite values).
   */
  static String formatFixed(double x, int decimals) {
    if (Double.isNaN(x)) {
      return "nan";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    String s = new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    if (x < 0 || (x == 0 && 1 / x < 0)) {
      // BigDecimal drops the sign of values that round to zero; Python keeps it ("-0.000")
      return s.startsWith("-") ? s : "-" + s;
    }
    return s;
  }

  /**
   * Python's {@code repr} (numpy's {@code str}) of a value that has been rounded to at most three
   * decimals by {@link #npRound3}: "0.27", "1.0", "nan".
   */
  static String reprRounded3(double x) {
    if (Double.isNaN(x)) {
      return "nan";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    BigDecimal d = new BigDecimal(x).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros();
    String s = d.scale() <= 0 ? d.setScale(1).toPlainString() : d.toPlainString();
    if (x == 0 && 1 / x < 0) {
      return "-0.0";
    }
    return s;
  }
}
