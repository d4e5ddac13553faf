package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import java.util.Random;

/**
 * The options a convolution's builder shares ({@link Conv2d#builder}, {@link ConvModule#builder}):
 * geometry and padding mode, with {@code nn.Conv2d}'s defaults (kernel 1, stride 1, padding 0,
 * groups 1, symmetric padding).
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ConvOptions<B extends ConvOptions<B>> {
  protected final Backend backend;
  protected final Random rnd;
  protected final int in;
  protected final int out;
  protected int kernel = 1;
  protected int stride = 1;
  protected int padding;
  protected int groups = 1;
  protected Conv2d.PaddingMode mode = Conv2d.PaddingMode.SYMMETRIC;

  protected ConvOptions(Backend backend, Random rnd, int in, int out) {
    this.backend = backend;
    this.rnd = rnd;
    this.in = in;
    this.out = out;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  public B kernel(int k) {
    this.kernel = k;
    return self();
  }

  public B stride(int s) {
    this.stride = s;
    return self();
  }

  /** Symmetric padding on every side (ignored in {@link Conv2d.PaddingMode#TF_SAME}). */
  public B padding(int p) {
    this.padding = p;
    return self();
  }

  public B groups(int g) {
    this.groups = g;
    return self();
  }

  /** Depthwise: one group per input channel. */
  public B depthwise() {
    this.groups = in;
    return self();
  }

  public B mode(Conv2d.PaddingMode m) {
    this.mode = m;
    return self();
  }
}
