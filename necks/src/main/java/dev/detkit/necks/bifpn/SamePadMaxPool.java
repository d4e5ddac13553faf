package dev.detkit.necks.bifpn;

import dev.detkit.api.nn.Layer;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet EfficientDet's {@code MaxPool2dSamePadding(3, 2)}: TF "SAME" padding arithmetic, but the
 * padded cells hold <b>zero</b> (mmdet pads with {@code F.pad}, where TF and timm ignore them as
 * -inf), then a 3x3 stride-2 max-pool; the output is {@code ceil(n / 2)} per side.
 */
public final class SamePadMaxPool extends Layer {
  private static final int KERNEL = 3;
  private static final int STRIDE = 2;

  @Override
  public Tensor forward(Tensor x) {
    int[] h = split(x.dim(2));
    int[] w = split(x.dim(3));
    Tensor padded = x.pad2d(new Padding2d(h[0], h[1], w[0], w[1]), 0.0);
    return padded.maxPool2d(KERNEL, STRIDE, 0);
  }

  /** (before, after) padding of one side of length n. */
  private static int[] split(int n) {
    int out = (n + STRIDE - 1) / STRIDE;
    int extra = Math.max((out - 1) * STRIDE - n + KERNEL, 0);
    return new int[] {extra / 2, extra - extra / 2};
  }
}
