package dev.detkit.api.tensor;

/**
 * Zero padding of the two spatial axes, possibly asymmetric (TF "SAME" pads more after than
 * before).
 */
public record Padding2d(int top, int bottom, int left, int right) {

  /** No padding. */
  public static final Padding2d NONE = new Padding2d(0, 0, 0, 0);

  public Padding2d {
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      throw new IllegalArgumentException(
          "negative padding (" + top + ", " + bottom + ", " + left + ", " + right + ")");
    }
  }

  /** The same padding on every side. */
  public static Padding2d of(int p) {
    return new Padding2d(p, p, p, p);
  }

  /** {@code ph} above and below, {@code pw} left and right (PyTorch's {@code padding=(ph, pw)}). */
  public static Padding2d of(int ph, int pw) {
    return new Padding2d(ph, ph, pw, pw);
  }

  /**
   * TensorFlow "SAME" padding for one input size, as mmcv's {@code Conv2dAdaptivePadding} computes
   * it at forward time: {@code pad = max((ceil(in/s)-1)*s + (k-1)*d + 1 - in, 0)}, split with the
   * smaller half before.
   */
  public static Padding2d tfSame(
      int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilH, int dilW) {
    int padH = samePad(inH, kernelH, strideH, dilH);
    int padW = samePad(inW, kernelW, strideW, dilW);
    return new Padding2d(padH / 2, padH - padH / 2, padW / 2, padW - padW / 2);
  }

  private static int samePad(int in, int k, int s, int d) {
    int out = (in + s - 1) / s;
    return Math.max((out - 1) * s + (k - 1) * d + 1 - in, 0);
  }

  /** True when top equals bottom and left equals right, so a native conv can pad by itself. */
  public boolean isSymmetric() {
    return top == bottom && left == right;
  }

  /** True when nothing is padded. */
  public boolean isZero() {
    return top == 0 && bottom == 0 && left == 0 && right == 0;
  }
}
