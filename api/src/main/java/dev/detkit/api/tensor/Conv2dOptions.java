package dev.detkit.api.tensor;

/**
 * Geometry of a 2-D convolution: strides, explicit (possibly asymmetric) zero padding, dilation and
 * groups. Weights are laid out as PyTorch's {@code [out, in/groups, kh, kw]}.
 */
public record Conv2dOptions(
    int strideH, int strideW, Padding2d padding, int dilationH, int dilationW, int groups) {

  /** Stride 1, no padding, no dilation, one group. */
  public static final Conv2dOptions DEFAULT = new Conv2dOptions(1, 1, Padding2d.NONE, 1, 1, 1);

  public Conv2dOptions {
    if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
      throw new IllegalArgumentException(
          "conv2d strides, dilations and groups must be >= 1, got stride ("
              + strideH
              + ", "
              + strideW
              + "), dilation ("
              + dilationH
              + ", "
              + dilationW
              + "), groups "
              + groups);
    }
    if (padding == null) {
      throw new IllegalArgumentException("conv2d padding must not be null");
    }
  }

  /** Square stride, symmetric padding, dilation and groups. */
  public static Conv2dOptions of(int stride, int padding, int dilation, int groups) {
    return new Conv2dOptions(stride, stride, Padding2d.of(padding), dilation, dilation, groups);
  }

  /** The same geometry with other padding. */
  public Conv2dOptions withPadding(Padding2d p) {
    return new Conv2dOptions(strideH, strideW, p, dilationH, dilationW, groups);
  }

  /** Output height for an input height. */
  public int outH(int inH, int kernelH) {
    return (inH + padding.top() + padding.bottom() - dilationH * (kernelH - 1) - 1) / strideH + 1;
  }

  /** Output width for an input width. */
  public int outW(int inW, int kernelW) {
    return (inW + padding.left() + padding.right() - dilationW * (kernelW - 1) - 1) / strideW + 1;
  }
}
