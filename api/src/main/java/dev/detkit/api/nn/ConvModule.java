package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.Random;

/**
 * mmcv's {@code ConvModule}: conv, then norm, then activation; children named {@code conv} and
 * {@code bn}. The conv has a bias only when there is no norm ({@code bias='auto'}).
 */
public final class ConvModule extends Layer {
  private final Conv2d conv;
  private final BatchNorm2d bn;
  private final Activation act;

  /**
   * @param norm null for no norm layer
   * @param mode symmetric padding ({@code padding}) or TF-SAME (padding ignored)
   */
  public ConvModule(
      Backend b,
      Random rnd,
      int in,
      int out,
      int kernel,
      int stride,
      int padding,
      int groups,
      Conv2d.PaddingMode mode,
      NormCfg norm,
      Activation act) {
    this.conv =
        register(
            "conv",
            new Conv2d(b, rnd, in, out, kernel, stride, padding, 1, groups, norm == null, mode));
    this.bn = norm == null ? null : register("bn", new BatchNorm2d(b, out, norm));
    this.act = act;
  }

  /**
   * A ConvModule around an existing conv (shared weights, as RetinaSepBNHead shares its convs
   * across levels); the conv is registered here too, so its weight appears under this name.
   */
  public ConvModule(Backend b, Conv2d sharedConv, NormCfg norm, Activation act) {
    this.conv = register("conv", sharedConv);
    this.bn =
        norm == null ? null : register("bn", new BatchNorm2d(b, sharedConv.outChannels(), norm));
    this.act = act;
  }

  public Conv2d conv() {
    return conv;
  }

  /** The norm layer, or null. */
  public BatchNorm2d bn() {
    return bn;
  }

  public Activation activation() {
    return act;
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = conv.forward(x);
    if (bn != null) {
      y = bn.forward(y);
    }
    return act.apply(y);
  }
}
