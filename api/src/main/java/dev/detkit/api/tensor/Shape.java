package dev.detkit.api.tensor;

import java.util.Arrays;

/**
 * An immutable tensor shape. Dimensions are ints: detection tensors stay far below 2^31 elements
 * per axis, and int dims keep model code free of casts.
 */
public final class Shape {
  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  /** A shape with the given dimensions (copied); every dimension must be non-negative. */
  public static Shape of(int... dims) {
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
      }
    }
    return new Shape(dims.clone());
  }

  /** A shape from long dimensions, as native libraries report them. */
  public static Shape of(long... dims) {
    int[] out = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("dimension out of range in " + Arrays.toString(dims));
      }
      out[i] = (int) dims[i];
    }
    return new Shape(out);
  }

  /** Number of axes. */
  public int rank() {
    return dims.length;
  }

  /** Size of axis {@code i}; negative {@code i} counts from the end. */
  public int get(int i) {
    return dims[axis(i)];
  }

  /** Normalises a possibly negative axis, with a clear error when it is out of range. */
  public int axis(int i) {
    int a = i < 0 ? i + dims.length : i;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException("axis " + i + " out of range for shape " + this);
    }
    return a;
  }

  /** Number of elements. */
  public long size() {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /** The dimensions as longs, as native libraries take them. */
  public long[] longDims() {
    long[] out = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = dims[i];
    }
    return out;
  }

  /** Row-major strides in elements. */
  public long[] strides() {
    long[] s = new long[dims.length];
    long acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /**
   * The shape two operands broadcast to, by NumPy/PyTorch rules (align trailing axes; a size-1 axis
   * stretches).
   *
   * @throws IllegalArgumentException naming both shapes when they do not broadcast
   */
  public static Shape broadcast(Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
      int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
