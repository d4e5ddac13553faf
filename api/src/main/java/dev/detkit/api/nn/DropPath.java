package dev.detkit.api.nn;

import dev.detkit.api.tensor.Tensor;
import java.util.Random;

/**
 * Stochastic depth per sample (mmcv's {@code DropPath}): in training, {@code x / keep * mask} with
 * {@code mask = floor(keep + U[0,1))} of shape (B,1,1,1); the identity in eval or at rate 0.
 */
public final class DropPath {
  private final double rate;
  private final Random rnd;

  public DropPath(double rate, Random rnd) {
    if (rate < 0 || rate >= 1) {
      throw new IllegalArgumentException("drop path rate must be in [0, 1), got " + rate);
    }
    this.rate = rate;
    this.rnd = rnd;
  }

  public double rate() {
    return rate;
  }

  public Tensor apply(Tensor x, boolean training) {
    if (!training || rate == 0) {
      return x;
    }
    double keep = 1 - rate;
    int batch = x.dim(0);
    float[] mask = new float[batch];
    for (int i = 0; i < batch; i++) {
      mask[i] = (float) (Math.floor(keep + rnd.nextDouble()) / keep);
    }
    return x.mul(x.backend().fromFloats(mask, batch, 1, 1, 1));
  }
}
