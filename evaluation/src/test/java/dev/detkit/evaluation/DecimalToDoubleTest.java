package dev.detkit.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link DecimalToDouble} agrees with {@link Double#parseDouble} bit for bit, or declines. */
class DecimalToDoubleTest {

  @Test
  void powerOfFiveTableMatchesLemiresTable() {
    assertArrayEquals(
        new long[] {0xeef453d6923bd65aL, 0x113faa2906a13b3fL}, DecimalToDouble.pow5(-342));
    assertArrayEquals(new long[] {0x8000000000000000L, 0L}, DecimalToDouble.pow5(0));
    assertArrayEquals(new long[] {0xa000000000000000L, 0L}, DecimalToDouble.pow5(1));
  }

  /** Checks one decimal; returns whether the fast conversion decided it. */
  private static boolean check(long w, int q) {
    double got = DecimalToDouble.toDouble(w, q);
    if (Double.isNaN(got)) {
      return false;
    }
    String text = Long.toUnsignedString(w) + "e" + q;
    double want = Double.parseDouble(text);
    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), text);
    return true;
  }

  private static void checkDecimal(BigDecimal d) {
    BigDecimal stripped = d.stripTrailingZeros();
    long w = stripped.unscaledValue().longValueExact();
    check(w, -stripped.scale());
  }

  @Test
  void randomDecimalsOfUpTo19Digits() {
    SplittableRandom rng = new SplittableRandom(1);
    int decided = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      int digits = 1 + rng.nextInt(19);
      long w = 0;
      for (int k = 0; k < digits; k++) {
        w = w * 10 + rng.nextInt(10);
      }
      int q = rng.nextInt(-345, 312);
      if (check(w, q)) {
        decided++;
      }
    }
    assertTrue(decided > n * 9 / 10, "decided " + decided + " of " + n);
  }

  @Test
  void shortestAndSeventeenDigitFormsOfRandomDoublesAndFloats() {
    SplittableRandom rng = new SplittableRandom(2);
    for (int i = 0; i < 25_000; i++) {
      double d = Double.longBitsToDouble(rng.nextLong() & 0x7fffffffffffffffL);
      if (!Double.isFinite(d) || d < Double.MIN_NORMAL) {
        continue;
      }
      checkDecimal(new BigDecimal(Double.toString(d)));
      checkDecimal(new BigDecimal(d).round(new MathContext(17)));
      float f = Float.intBitsToFloat(rng.nextInt() & 0x7fffffff);
      if (Float.isFinite(f) && f >= Float.MIN_NORMAL) {
        checkDecimal(new BigDecimal(Double.toString(f))); // float32 -> float64, as mmdet writes
        checkDecimal(new BigDecimal((double) f).round(new MathContext(17)));
      }
      double box = rng.nextInt(200_000) / 100.0;
      checkDecimal(new BigDecimal(Double.toString((double) (float) box)));
    }
  }

  @Test
  void exactHalfwayCasesRoundToEven() {
    for (int k = 53; k <= 63; k++) {
      long below = 1L << k;
      long ulp = 1L << (k - 52);
      for (long w : new long[] {below + ulp / 2, below + ulp + ulp / 2, below + ulp / 2 + 1}) {
        if (w > 0) {
          assertTrue(check(w, 0), "decided " + w);
        }
      }
    }
    assertEquals(9007199254740992.0, DecimalToDouble.toDouble(9007199254740993L, 0), 0.0);
  }

  @Test
  void edgesAreLeftToParseDouble() {
    assertTrue(Double.isNaN(DecimalToDouble.toDouble(1, 400))); // overflow
    assertTrue(Double.isNaN(DecimalToDouble.toDouble(1, -400))); // underflow
    assertTrue(Double.isNaN(DecimalToDouble.toDouble(49, -325))); // subnormal
    assertEquals(0.0, DecimalToDouble.toDouble(0, 12), 0.0);
    assertEquals(1.7976931348623157e308, DecimalToDouble.toDouble(17976931348623157L, 292), 0.0);
  }
}
