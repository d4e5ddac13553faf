package dev.detkit.necks.bifpn;

import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.Conv2d;
import dev.detkit.api.nn.Layer;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.Random;

/**
 * mmdet EfficientDet's {@code DownChannelBlock}: a 1x1 conv with bias to the BiFPN's width, an
 * optional BN, and with the conv-BN-act pattern a Swish.
 */
public final class DownChannelBlock extends Layer {
  private final Conv2d conv;
  private final Layer bn;
  private final boolean swishAfter;

  public DownChannelBlock(
      Backend b, Random rnd, int in, int out, NormCfg norm, boolean convBnActPattern) {
    conv =
        register(
            "down_conv", Conv2d.builder(b, rnd, in, out).mode(Conv2d.PaddingMode.TF_SAME).build());
    // mmdet stores build_norm_layer's layer as "bn" whatever its type (GN included).
    bn = norm == null ? null : register("bn", norm.build(b, out));
    swishAfter = convBnActPattern;
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = conv.forward(x);
    if (bn != null) {
      y = bn.forward(y);
    }
    return swishAfter ? Activation.SWISH.apply(y) : y;
  }
}
