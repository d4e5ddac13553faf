package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.Random;

/**
 * EdgeTPU's fused MBConv as mmdet builds it (a copy of mmcls v0.20): k x k {@code conv1} (expand,
 * stride 1), optional {@code se}, 1x1 {@code conv2} without activation carrying the stride, and a
 * residual when stride is 1, channels match and {@code withResidual}.
 */
public final class EdgeResidual extends Layer {
  private final ConvModule conv1;
  private final SELayer se;
  private final ConvModule conv2;
  private final boolean residual;
  private final DropPath dropPath;

  /**
   * A fused MBConv by named options ({@code EdgeResidual.builder(b, rnd, in, out).mid(in * 4)
   * .kernel(3).stride(2).build()}); defaults in {@link MBConvOptions}, with the residual on.
   */
  public static Builder builder(Backend b, Random rnd, int in, int out) {
    return new Builder(b, rnd, in, out);
  }

  /** Named options for {@link EdgeResidual}: the shared ones plus whether to keep the residual. */
  public static final class Builder extends MBConvOptions<Builder> {
    private boolean withResidual = true;

    private Builder(Backend b, Random rnd, int in, int out) {
      super(b, rnd, in, out);
    }

    /** mmcls' {@code with_residual}: false drops the shortcut even where shapes allow it. */
    public Builder residual(boolean with) {
      this.withResidual = with;
      return this;
    }

    public EdgeResidual build() {
      return new EdgeResidual(
          backend,
          rnd,
          in,
          out,
          mid,
          kernel,
          stride,
          seRatio,
          withResidual,
          mode,
          norm,
          act,
          dropPathRate);
    }
  }

  private EdgeResidual(
      Backend b,
      Random rnd,
      int in,
      int out,
      int mid,
      int kernel,
      int stride,
      double seRatio,
      boolean withResidual,
      Conv2d.PaddingMode mode,
      NormCfg norm,
      Activation act,
      double dropPathRate) {
    conv1 =
        register(
            "conv1",
            ConvModule.builder(b, rnd, in, mid)
                .kernel(kernel)
                .padding(kernel / 2)
                .mode(mode)
                .norm(norm)
                .act(act)
                .build());
    se =
        seRatio > 0
            ? register("se", new SELayer(b, rnd, mid, seRatio, act, Activation.SIGMOID))
            : null;
    conv2 =
        register(
            "conv2",
            ConvModule.builder(b, rnd, mid, out)
                .stride(stride)
                .mode(mode)
                .norm(norm)
                .act(Activation.IDENTITY)
                .build());
    residual = stride == 1 && in == out && withResidual;
    dropPath = new DropPath(dropPathRate, rnd);
  }

  public boolean hasResidual() {
    return residual;
  }

  @Override
  public Tensor forward(Tensor x) {
    try (TensorScope scope = TensorScope.open()) {
      Tensor y = conv1.forward(x);
      if (se != null) {
        y = se.forward(y);
      }
      y = conv2.forward(y);
      return scope.handOut(residual ? x.add(dropPath.apply(y, isTraining())) : y);
    }
  }
}
