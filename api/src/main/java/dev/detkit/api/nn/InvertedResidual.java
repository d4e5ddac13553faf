package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.Random;

/**
 * MBConv as mmdet builds it: optional 1x1 {@code expand_conv}, k x k {@code depthwise_conv} (stride
 * here), optional {@code se}, 1x1 {@code linear_conv} without activation, and a residual with drop
 * path when stride is 1 and channels match.
 */
public final class InvertedResidual extends Layer {
  private final ConvModule expandConv;
  private final ConvModule depthwiseConv;
  private final SELayer se;
  private final ConvModule linearConv;
  private final boolean residual;
  private final DropPath dropPath;

  /**
   * An MBConv by named options ({@code InvertedResidual.builder(b, rnd, in, out).mid(in * 6)
   * .kernel(5).stride(2).seRatio(24).act(SILU).build()}); defaults in {@link MBConvOptions}.
   */
  public static Builder builder(Backend b, Random rnd, int in, int out) {
    return new Builder(b, rnd, in, out);
  }

  /** Named options for {@link InvertedResidual}. */
  public static final class Builder extends MBConvOptions<Builder> {
    private Builder(Backend b, Random rnd, int in, int out) {
      super(b, rnd, in, out);
    }

    public InvertedResidual build() {
      return new InvertedResidual(
          backend, rnd, in, out, mid, kernel, stride, seRatio, mode, norm, act, dropPathRate);
    }
  }

  /**
   * @param seRatio the SE ratio (expand * se_ratio), or 0 for no SE
   */
  private InvertedResidual(
      Backend b,
      Random rnd,
      int in,
      int out,
      int mid,
      int kernel,
      int stride,
      double seRatio,
      Conv2d.PaddingMode mode,
      NormCfg norm,
      Activation act,
      double dropPathRate) {
    expandConv =
        mid != in
            ? register(
                "expand_conv",
                ConvModule.builder(b, rnd, in, mid).mode(mode).norm(norm).act(act).build())
            : null;
    depthwiseConv =
        register(
            "depthwise_conv",
            ConvModule.builder(b, rnd, mid, mid)
                .kernel(kernel)
                .stride(stride)
                .padding(kernel / 2)
                .depthwise()
                .mode(mode)
                .norm(norm)
                .act(act)
                .build());
    se =
        seRatio > 0
            ? register("se", new SELayer(b, rnd, mid, seRatio, act, Activation.SIGMOID))
            : null;
    linearConv =
        register(
            "linear_conv",
            ConvModule.builder(b, rnd, mid, out)
                .mode(mode)
                .norm(norm)
                .act(Activation.IDENTITY)
                .build());
    residual = stride == 1 && in == out;
    dropPath = new DropPath(dropPathRate, rnd);
  }

  public boolean hasResidual() {
    return residual;
  }

  public DropPath dropPath() {
    return dropPath;
  }

  @Override
  public Tensor forward(Tensor x) {
    try (TensorScope scope = TensorScope.open()) {
      Tensor y = expandConv == null ? x : expandConv.forward(x);
      y = depthwiseConv.forward(y);
      if (se != null) {
        y = se.forward(y);
      }
      y = linearConv.forward(y);
      return scope.handOut(residual ? x.add(dropPath.apply(y, isTraining())) : y);
    }
  }
}
