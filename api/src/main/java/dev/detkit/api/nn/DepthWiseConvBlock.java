package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.Random;

/**
 * mmdet EfficientDet's {@code DepthWiseConvBlock}: a 3x3 depthwise conv without bias, a 1x1
 * pointwise conv with bias (kept even before BN, as TF does), an optional BN, and with the
 * conv-BN-act pattern a Swish; both convs pad TF-"SAME". EfficientDet's BiFPN nodes and head convs
 * are made of it.
 */
public final class DepthWiseConvBlock extends Layer {
  private final Conv2d depthwise;
  private final Conv2d pointwise;
  private final Layer bn;
  private final boolean swishAfter;

  public DepthWiseConvBlock(
      Backend b, Random rnd, int in, int out, NormCfg norm, boolean convBnActPattern) {
    var same = Conv2d.PaddingMode.TF_SAME;
    depthwise =
        register(
            "depthwise_conv",
            Conv2d.builder(b, rnd, in, in).kernel(3).depthwise().bias(false).mode(same).build());
    pointwise = register("pointwise_conv", Conv2d.builder(b, rnd, in, out).mode(same).build());
    // mmdet stores build_norm_layer's layer as "bn" whatever its type (GN included).
    bn = norm == null ? null : register("bn", norm.build(b, out));
    swishAfter = convBnActPattern;
  }

  /** The pointwise conv (its bias is what mmdet's init sets). */
  public Conv2d pointwise() {
    return pointwise;
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
