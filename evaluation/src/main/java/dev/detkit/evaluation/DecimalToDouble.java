package dev.detkit.evaluation;

import java.math.BigInteger;

/**
 * The correctly rounded double nearest to {@code w * 10^q} for an exact decimal significand {@code
 * w} of at most 19 digits, without {@link Double#parseDouble}: Clinger's fast path when {@code w}
 * and {@code 10^|q|} are exact doubles, else the Eisel-Lemire algorithm (a 64 x 128-bit product
 * with a truncated power of five, as in Lemire, "Number Parsing at a Gigabyte per Second", 2021).
 * Where that algorithm cannot decide (subnormals, overflow, a product too close to call) it returns
 * NaN and the caller uses {@link Double#parseDouble}.
 */
final class DecimalToDouble {
  private static final int MIN_Q = -342;
  private static final int MAX_Q = 308;
  private static final long[] POW5_HI = new long[MAX_Q - MIN_Q + 1];
  private static final long[] POW5_LO = new long[MAX_Q - MIN_Q + 1];
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  static {
    // 5^q as a 128-bit value with its top bit set: truncated for q >= 0; for q < 0 an upper
    // approximation of 2^b / 5^-q (the table of Lemire's paper and of fast_float)
    BigInteger two128 = BigInteger.ONE.shiftLeft(128);
    BigInteger mask64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    for (int q = MIN_Q; q <= MAX_Q; q++) {
      BigInteger c;
      if (q < 0) {
        BigInteger p5 = BigInteger.valueOf(5).pow(-q);
        int z = p5.subtract(BigInteger.ONE).bitLength(); // smallest z with 2^z >= 5^-q
        int b = q >= -27 ? z + 127 : 2 * z + 128;
        c = BigInteger.ONE.shiftLeft(b).divide(p5).add(BigInteger.ONE);
        while (c.compareTo(two128) >= 0) {
          c = c.shiftRight(1);
        }
      } else {
        c = BigInteger.valueOf(5).pow(q);
        int len = c.bitLength();
        c = len < 128 ? c.shiftLeft(128 - len) : c.shiftRight(len - 128);
      }
      POW5_HI[q - MIN_Q] = c.shiftRight(64).longValue();
      POW5_LO[q - MIN_Q] = c.and(mask64).longValue();
    }
  }

  private DecimalToDouble() {}

  /** The table entry for 5^q: {high 64 bits, low 64 bits} (for tests). */
  static long[] pow5(int q) {
    return new long[] {POW5_HI[q - MIN_Q], POW5_LO[q - MIN_Q]};
  }

  /**
   * The double nearest to {@code w * 10^q} ({@code w} unsigned, exact), or NaN when this method
   * cannot tell.
   */
  static double toDouble(long w, int q) {
    if (w == 0) {
      return 0.0;
    }
    if (q >= -22 && q <= 22 && w >= 0 && w <= (1L << 53)) {
      return q < 0 ? w / POW10[-q] : w * POW10[q];
    }
    if (q < MIN_Q || q > MAX_Q) {
      return Double.NaN;
    }
    int lz = Long.numberOfLeadingZeros(w);
    w <<= lz;
    int index = q - MIN_Q;
    long hi = unsignedMultiplyHigh(w, POW5_HI[index]);
    long lo = w * POW5_HI[index];
    if ((hi & 0x1FF) == 0x1FF) {
      // the low bits might carry into the kept ones: use the next 64 bits of 5^q too
      long hi2 = unsignedMultiplyHigh(w, POW5_LO[index]);
      long sum = lo + hi2;
      if (Long.compareUnsigned(sum, lo) < 0) {
        hi++;
      }
      lo = sum;
    }
    if (lo == -1L && (q < -27 || q > 55)) {
      return Double.NaN; // too close to call cheaply
    }
    int upperbit = (int) (hi >>> 63);
    int shift = upperbit + 9;
    long mantissa = hi >>> shift;
    int power2 = ((217706 * q) >> 16) + 63 + upperbit - lz + 1023;
    if (power2 <= 0) {
      return Double.NaN; // subnormal
    }
    if (Long.compareUnsigned(lo, 1) <= 0
        && q >= -4
        && q <= 23
        && (mantissa & 3) == 1
        && (mantissa << shift) == hi) {
      mantissa &= ~1L; // exactly halfway: round to even, not up
    }
    mantissa += mantissa & 1;
    mantissa >>>= 1;
    if (mantissa >= (2L << 52)) {
      mantissa = 1L << 52;
      power2++;
    }
    mantissa &= ~(1L << 52);
    if (power2 >= 2047) {
      return Double.NaN; // overflow: let parseDouble say infinity
    }
    return Double.longBitsToDouble(mantissa | ((long) power2 << 52));
  }

  /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh is Java 18). */
  private static long unsignedMultiplyHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }
}
