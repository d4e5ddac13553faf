package dev.detkit.benchmarks.ops;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.Tensor;
import java.util.Random;

/**
 * The convolutions that dominate RetinaNet-EfficientNet-B3 at 896x896, with the shapes they have
 * there. {@code benchmarks/python/hot_ops.py} times the same list in PyTorch.
 */
public enum HotOp {
  /** layers.1 depthwise: 40 channels at 448x448, stride 1. */
  DW3X3_S1(40, 448, 40, 3, 1, 40),
  /** layers.2.0 depthwise: 144 channels, 448 -> 224, TF-SAME (0, 1). */
  DW3X3_S2(144, 448, 144, 3, 2, 144),
  /** layers.3.1 depthwise: 288 channels at 112x112, stride 1. */
  DW5X5_S1(288, 112, 288, 5, 1, 288),
  /** layers.3.0 depthwise: 192 channels, 224 -> 112, TF-SAME (1, 2). */
  DW5X5_S2(192, 224, 192, 5, 2, 192),
  /** layers.3 expand: 48 -> 288 at 112x112. */
  CONV1X1(48, 112, 288, 1, 1, 1),
  /** RetinaSepBNHead tower conv at P3: 256 -> 256 at 112x112. */
  CONV3X3_256(256, 112, 256, 3, 1, 1);

  final int inChannels;
  final int size;
  final int outChannels;
  final int kernel;
  final int stride;
  final int groups;

  HotOp(int inChannels, int size, int outChannels, int kernel, int stride, int groups) {
    this.inChannels = inChannels;
    this.size = size;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.stride = stride;
    this.groups = groups;
  }

  /** TF-SAME geometry, as mmcv's Conv2dAdaptivePadding uses (symmetric for the head conv). */
  Conv2dOptions options() {
    Padding2d p = Padding2d.tfSame(size, size, kernel, kernel, stride, stride, 1, 1);
    return new Conv2dOptions(stride, stride, p, 1, 1, groups);
  }

  Tensor input(Backend b, Random rnd) {
    return b.fromFloats(random(rnd, inChannels * size * size), 1, inChannels, size, size);
  }

  Tensor weight(Backend b, Random rnd) {
    int cin = inChannels / groups;
    return b.fromFloats(
        random(rnd, outChannels * cin * kernel * kernel), outChannels, cin, kernel, kernel);
  }

  private static float[] random(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian() * 0.1f;
    }
    return v;
  }
}
