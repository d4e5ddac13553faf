package dev.detkit.necks.bifpn;

import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.BatchNorm2d;
import dev.detkit.api.nn.Conv2d;
import dev.detkit.api.nn.Layer;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.Random;

/**
 * mmdet EfficientDet's {@code DepthWiseConvBlock}: a 3x3 depthwise conv without bias, a 1x1
 * pointwise conv with bias (kept even before BN, as TF does), an optional BN, and with the
 * conv-BN-act pattern a Swish; both convs pad TF-"SAME".
 */
public final class SeparableConvBlock extends Layer {
  private final Conv2d depthwise;
  private final Conv2d pointwise;
  private final BatchNorm2d bn;
  private final boolean swishAfter;

  public SeparableConvBlock(
      Backend b, Random rnd, int in, int out, NormCfg norm, boolean convBnActPattern) {
    var same = Conv2d.PaddingMode.TF_SAME;
    depthwise = register("depthwise_conv", new Conv2d(b, rnd, in, in, 3, 1, 0, 1, in, false, same));
    pointwise = register("pointwise_conv", new Conv2d(b, rnd, in, out, 1, 1, 0, 1, 1, true, same));
    bn = norm == null ? null : register("bn", new BatchNorm2d(b, out, norm));
    swishAfter = convBnActPattern;
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = pointwise.forward(depthwise.forward(x));
    if (bn != null) {
      y = bn.forward(y);
    }
    return swishAfter ? Activation.SWISH.apply(y) : y;
  }
}
