package dev.detkit.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumpyMathTest {

  /** Values of np.add.reduce / sum() / np.mean computed by numpy 2.4 on the same series. */
  @ParameterizedTest
  @CsvSource({
    "7, 13.219806739988229, 13.219806739988229, 1.8885438199983184",
    "100, 187.26957837292957, 187.26957837292957, 1.8726957837292957",
    "1000, 2000.4156469949107, 2000.415646994913, 2.000415646994911",
    "80800, 161594.95007267635, 161594.95007268316, 1.9999375008994598"
  })
  void pairwiseSumIsNumpysBitForBit(int n, double npSum, double naiveSum, double npMean) {
    double[] x = new double[n];
    double naive = 0;
    for (int i = 0; i < n; i++) {
      x[i] = (i * 0.6180339887498949) % 1.0 * (1 + i % 7);
      naive += x[i];
    }
    assertEquals(npSum, NumpyMath.pairwiseSum(x, 0, n), 0.0);
    assertEquals(npMean, NumpyMath.mean(x, n), 0.0);
    assertEquals(naiveSum, naive, 0.0); // the series itself is the same as in Python
  }

  @Test
  void linspaceMatchesNumpy() {
    double[] iou = NumpyMath.linspace(0.5, 0.95, 10);
    assertEquals(0.8999999999999999, iou[8], 0.0);
    assertEquals(0.75, iou[5], 0.0);
    double[] rec = NumpyMath.linspace(0, 1, 101);
    assertEquals(101, rec.length);
    assertEquals(0x1.eb851eb851eb8p-6, rec[3], 0.0); // 0.03
    assertEquals(0.5700000000000001, rec[57], 0.0);
    assertEquals(0.99, rec[99], 0.0);
    assertEquals(1.0, rec[100], 0.0);
    assertArrayEquals(new double[] {2.0}, NumpyMath.linspace(2, 5, 1), 0.0);
    assertEquals(0, NumpyMath.linspace(2, 5, 0).length);
  }

  @Test
  void stableDescendingArgsortKeepsTieOrder() {
    double[] keys = new double[200];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = (i * 7919 % 13) / 4.0; // many ties
    }
    int[] idx = NumpyMath.argsortDescending(keys, 0, keys.length);
    for (int i = 1; i < idx.length; i++) {
      double a = keys[idx[i - 1]];
      double b = keys[idx[i]];
      boolean ok = a > b || (a == b && idx[i - 1] < idx[i]);
      assertEquals(true, ok, "position " + i);
    }
  }

  @Test
  void roundingAndFormattingFollowNumpyAndPython() {
    // numpy's round(np.float64(x), 3) is rint(x*1000)/1000; Python's round gives 0.473 here
    assertEquals(0.474, NumpyMath.npRound3(0.4735), 0.0);
    assertEquals(0.231, NumpyMath.npRound3(0.2308938529463447), 0.0);
    assertEquals("0.473", NumpyMath.formatFixed(0.4735, 3)); // '{:.3f}' rounds the exact binary
    assertEquals("0.292", NumpyMath.formatFixed(0.2924443920415537, 3));
    assertEquals("-1.000", NumpyMath.formatFixed(-1, 3));
    assertEquals("0.50", NumpyMath.formatFixed(0.5, 2));
    assertEquals("0.95", NumpyMath.formatFixed(0.95, 2));
    assertEquals("0.125", NumpyMath.formatFixed(0.125, 3));
    assertEquals("0.12", NumpyMath.formatFixed(0.125, 2)); // half-even on an exact tie
    assertEquals("0.27", NumpyMath.reprRounded3(NumpyMath.npRound3(0.27029589634787654)));
    assertEquals("0.0", NumpyMath.reprRounded3(0.0));
    assertEquals("1.0", NumpyMath.reprRounded3(1.0));
    assertEquals("0.001", NumpyMath.reprRounded3(0.001));
    assertEquals("nan", NumpyMath.reprRounded3(Double.NaN));
  }
}
