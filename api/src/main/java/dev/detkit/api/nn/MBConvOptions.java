package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import java.util.Random;

/**
 * The options the EfficientNet blocks' builders share ({@link InvertedResidual#builder}, {@link
 * EdgeResidual#builder}), with mmcls' defaults: no expansion ({@code mid = in}), kernel 3, stride
 * 1, no squeeze-excitation, symmetric padding, BN, ReLU, no drop path.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class MBConvOptions<B extends MBConvOptions<B>> {
  protected final Backend backend;
  protected final Random rnd;
  protected final int in;
  protected final int out;
  protected int mid;
  protected int kernel = 3;
  protected int stride = 1;
  protected double seRatio;
  protected Conv2d.PaddingMode mode = Conv2d.PaddingMode.SYMMETRIC;
  protected NormCfg norm = NormCfg.bn();
  protected Activation act = Activation.RELU;
  protected double dropPathRate;

  protected MBConvOptions(Backend backend, Random rnd, int in, int out) {
    this.backend = backend;
    this.rnd = rnd;
    this.in = in;
    this.out = out;
    this.mid = in;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** Hidden (expanded) channels: {@code in * expand_ratio}. */
  public B mid(int channels) {
    this.mid = channels;
    return self();
  }

  public B kernel(int k) {
    this.kernel = k;
    return self();
  }

  public B stride(int s) {
    this.stride = s;
    return self();
  }

  /** Squeeze-excitation on the hidden channels (squeeze = mid / ratio), 0 for none. */
  public B seRatio(double ratio) {
    this.seRatio = ratio;
    return self();
  }

  public B mode(Conv2d.PaddingMode m) {
    this.mode = m;
    return self();
  }

  /** The norm after each conv; null for none. */
  public B norm(NormCfg cfg) {
    this.norm = cfg;
    return self();
  }

  public B act(Activation a) {
    this.act = a;
    return self();
  }

  /** Stochastic depth of the residual branch (this block's rate). */
  public B dropPath(double rate) {
    this.dropPathRate = rate;
    return self();
  }
}
