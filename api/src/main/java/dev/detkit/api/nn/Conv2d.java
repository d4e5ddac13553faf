package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.Tensor;
import java.util.Random;

/**
 * {@code nn.Conv2d} with PyTorch's parameter names ({@code weight [out, in/groups, k, k]}, {@code
 * bias}); in {@link PaddingMode#TF_SAME} mode it is mmcv's {@code Conv2dAdaptivePadding}: the
 * padding argument is ignored and TF "SAME" padding is computed for each input size.
 */
public final class Conv2d extends Layer {
  /** How the input is padded. */
  public enum PaddingMode {
    /** The given padding on all sides. */
    SYMMETRIC,
    /** TF "SAME", possibly asymmetric, from the input size at forward time. */
    TF_SAME
  }

  private final Parameter weight;
  private final Parameter bias;
  private final int kernel;
  private final int stride;
  private final int padding;
  private final int dilation;
  private final int groups;
  private final PaddingMode mode;
  private int cachedH = -1;
  private int cachedW = -1;
  private Conv2dOptions cached;

  /** Positional, for {@link Builder#build} only: callers name the numbers through the builder. */
  private Conv2d(
      Backend b,
      Random rnd,
      int in,
      int out,
      int kernel,
      int stride,
      int padding,
      int dilation,
      int groups,
      boolean withBias,
      PaddingMode mode) {
    if (in % groups != 0 || out % groups != 0) {
      throw new IllegalArgumentException(
          "channels " + in + "->" + out + " not divisible by groups " + groups);
    }
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    this.mode = mode;
    this.weight = parameter("weight", Init.kaimingNormal(b, rnd, out, in / groups, kernel, kernel));
    this.bias = withBias ? parameter("bias", b.zeros(DType.FLOAT32, out)) : null;
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  public int outChannels() {
    return weight.shape().get(0);
  }

  /** The geometry for an input of {@code h x w}; computed once per input size. */
  Conv2dOptions options(int h, int w) {
    if (h != cachedH || w != cachedW) {
      Padding2d p =
          mode == PaddingMode.TF_SAME
              ? Padding2d.tfSame(h, w, kernel, kernel, stride, stride, dilation, dilation)
              : Padding2d.of(padding);
      cached = new Conv2dOptions(stride, stride, p, dilation, dilation, groups);
      cachedH = h;
      cachedW = w;
    }
    return cached;
  }

  /**
   * Conv weights with a batch norm folded in (eval mode), tagged with the parameter versions. The
   * folding runs in float32; for a bfloat16 forward pass the folded weights are cast afterwards, so
   * the rounding happens once, on the product.
   */
  record Folded(Tensor weight, Tensor bias, long version) implements AutoCloseable {
    static Folded of(Conv2d conv, BatchNorm2d bn, long version, DType dtype) {
      try (dev.detkit.api.tensor.TensorScope scope = dev.detkit.api.tensor.TensorScope.open()) {
        Tensor scale = bn.weight().get().div(bn.runningVar().get().add(bn.eps()).sqrt());
        int out = scale.dim(0);
        Tensor w = conv.weight().get().mul(scale.reshape(out, 1, 1, 1));
        Tensor shift =
            conv.bias() == null
                ? bn.runningMean().get().neg()
                : conv.bias().get().sub(bn.runningMean().get());
        Tensor b = bn.bias().get().add(shift.mul(scale));
        if (w.dtype() != dtype) {
          w = w.toType(dtype);
          b = b.toType(dtype);
        }
        // Owned by the ConvModule's cache, not by whatever scope the forward pass runs in.
        return new Folded(
            dev.detkit.api.tensor.TensorScope.release(scope.handOut(w)),
            dev.detkit.api.tensor.TensorScope.release(scope.handOut(b)),
            version);
      }
    }

    DType dtype() {
      return weight.dtype();
    }

    @Override
    public void close() {
      weight.close();
      bias.close();
    }
  }

  /** The conv with folded weights (same geometry), for eval-mode ConvModules. */
  Tensor forward(Tensor x, Folded f) {
    Tensor y = x.conv2d(f.weight(), f.bias(), options(x.dim(2), x.dim(3)));
    FlopCounter.record(this, "conv", y.size() * weight.shape().get(1) * kernel * kernel);
    return y;
  }

  /** The conv in the input's dtype (float32 weights are cast once for a bfloat16 input). */
  @Override
  public Tensor forward(Tensor x) {
    DType t = x.dtype();
    Tensor y =
        x.conv2d(weight.get(t), bias == null ? null : bias.get(t), options(x.dim(2), x.dim(3)));
    FlopCounter.record(this, "conv", y.size() * weight.shape().get(1) * kernel * kernel);
    return y;
  }

  /**
   * A conv by named options ({@code Conv2d.builder(b, rnd, in, out).kernel(3).padding(1).build()});
   * defaults are {@code nn.Conv2d}'s: kernel 1, stride 1, padding 0, dilation 1, groups 1, bias.
   */
  public static Builder builder(Backend b, Random rnd, int in, int out) {
    return new Builder(b, rnd, in, out);
  }

  /** Named options for {@link Conv2d}: the shared geometry plus dilation and bias. */
  public static final class Builder extends ConvOptions<Builder> {
    private int dilation = 1;
    private boolean bias = true;

    private Builder(Backend b, Random rnd, int in, int out) {
      super(b, rnd, in, out);
    }

    public Builder dilation(int d) {
      this.dilation = d;
      return this;
    }

    public Builder bias(boolean withBias) {
      this.bias = withBias;
      return this;
    }

    public Conv2d build() {
      return new Conv2d(
          backend, rnd, in, out, kernel, stride, padding, dilation, groups, bias, mode);
    }
  }
}
