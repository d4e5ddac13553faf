package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.Random;

/**
 * mmcv's {@code ConvModule}: conv, then norm, then activation; children named {@code conv} and
 * {@code bn} (or {@code gn} for group norm). The conv has a bias only when there is no norm ({@code
 * bias='auto'}).
 */
public final class ConvModule extends Layer {
  private final Conv2d conv;
  private final Layer norm;
  private final BatchNorm2d bn;
  private final Activation act;
  private final boolean sharedConv;

  /**
   * Positional, for {@link Builder#build} only: callers name the numbers through the builder.
   *
   * @param norm null for no norm layer
   * @param mode symmetric padding ({@code padding}) or TF-SAME (padding ignored)
   * @param bias mmcv's {@code bias} ('auto' resolved by the builder: a bias exactly without norm)
   */
  private ConvModule(
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
      Activation act,
      boolean bias) {
    this.conv =
        register(
            "conv",
            Conv2d.builder(b, rnd, in, out)
                .kernel(kernel)
                .stride(stride)
                .padding(padding)
                .groups(groups)
                .bias(bias)
                .mode(mode)
                .build());
    this.norm = norm == null ? null : register(norm.abbreviation(), norm.build(b, out));
    this.bn = this.norm instanceof BatchNorm2d n ? n : null;
    this.act = act;
    this.sharedConv = false;
  }

  /**
   * A ConvModule around an existing conv (shared weights, as RetinaSepBNHead shares its convs
   * across levels); the conv is registered here too, so its weight appears under this name.
   */
  public ConvModule(Backend b, Conv2d sharedConv, NormCfg norm, Activation act) {
    this.conv = register("conv", sharedConv);
    this.norm =
        norm == null
            ? null
            : register(norm.abbreviation(), norm.build(b, sharedConv.outChannels()));
    this.bn = this.norm instanceof BatchNorm2d n ? n : null;
    this.act = act;
    this.sharedConv = true;
  }

  public Conv2d conv() {
    return conv;
  }

  /** The batch-norm layer, or null (no norm, or group norm). */
  public BatchNorm2d bn() {
    return bn;
  }

  /** The norm layer (batch or group norm), or null. */
  public Layer norm() {
    return norm;
  }

  public Activation activation() {
    return act;
  }

  @Override
  public Tensor forward(Tensor x) {
    // Intermediates die here, as PyTorch frees them: the working set stays small and hot.
    try (TensorScope scope = TensorScope.open()) {
      Tensor y;
      // A conv shared across levels (RetinaSepBNHead) is not folded: each level's BN would need
      // its own folded copy of the shared weights (5 x 19 MB for the seed head) for a saving of
      // one elementwise pass per level.
      if (bn != null && !isTraining() && foldBn && !sharedConv) {
        y = conv.forward(x, folded(x.dtype()));
        FlopCounter.record(bn, "batch_norm", 2 * y.size());
      } else {
        y = conv.forward(x);
        if (norm != null) {
          y = norm.forward(y);
        }
      }
      return scope.handOut(act.apply(y));
    }
  }

  /**
   * In eval mode the norm is folded into the conv ({@code w * s}, {@code beta - mean * s} with
   * {@code s = gamma / sqrt(var + eps)}): one pass over the output instead of two. A detector turns
   * it off for its modules when {@code RuntimeOptions.foldBn()} is false ({@code
   * -Ddetkit.foldBn=false}), to run the norm separately.
   */
  private boolean foldBn = true;

  /** Whether eval mode folds the norm into the conv (default true). */
  public void setFoldBn(boolean fold) {
    this.foldBn = fold;
  }

  private Conv2d.Folded folded;

  private Conv2d.Folded folded(DType dtype) {
    long v =
        conv.weight().version()
            + bn.weight().version()
            + bn.bias().version()
            + bn.runningMean().version()
            + bn.runningVar().version();
    if (conv.bias() != null) {
      v += conv.bias().version();
    }
    if (folded == null || folded.version() != v || folded.dtype() != dtype) {
      if (folded != null) {
        folded.close();
      }
      folded = Conv2d.Folded.of(conv, bn, v, dtype);
    }
    return folded;
  }

  @Override
  public void close() {
    if (folded != null) {
      folded.close();
      folded = null;
    }
    super.close();
  }

  /**
   * A ConvModule by named options ({@code ConvModule.builder(b, rnd, in, out).kernel(3).padding(1)
   * .norm(cfg).act(Activation.SILU).build()}); defaults are mmcv's: kernel 1, stride 1, padding 0,
   * groups 1, symmetric padding, no norm, ReLU, and {@code bias='auto'} (a bias exactly without
   * norm).
   */
  public static Builder builder(Backend b, Random rnd, int in, int out) {
    return new Builder(b, rnd, in, out);
  }

  /** Named options for {@link ConvModule}: the shared geometry plus norm, activation and bias. */
  public static final class Builder extends ConvOptions<Builder> {
    private NormCfg norm;
    private Activation act = Activation.RELU;
    private Boolean bias;

    private Builder(Backend b, Random rnd, int in, int out) {
      super(b, rnd, in, out);
    }

    /** The norm after the conv; null for none. */
    public Builder norm(NormCfg cfg) {
      this.norm = cfg;
      return this;
    }

    /** The activation after the norm ({@link Activation#IDENTITY} for none). */
    public Builder act(Activation a) {
      this.act = a;
      return this;
    }

    /** mmcv's explicit {@code bias} (FCOS's {@code conv_bias=True}: bias and GN). */
    public Builder bias(boolean withBias) {
      this.bias = withBias;
      return this;
    }

    public ConvModule build() {
      return new ConvModule(
          backend,
          rnd,
          in,
          out,
          kernel,
          stride,
          padding,
          groups,
          mode,
          norm,
          act,
          bias == null ? norm == null : bias);
    }
  }
}
