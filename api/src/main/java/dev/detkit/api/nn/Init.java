package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.Random;

/** Weight initialisers (used when no checkpoint is loaded), drawn from a seeded Java RNG. */
public final class Init {
  private Init() {}

  /** Kaiming normal, mode fan_out, ReLU gain: mmcv's {@code kaiming_init} default for convs. */
  public static Tensor kaimingNormal(Backend b, Random rnd, int... shape) {
    long fanOut = shape[0];
    for (int i = 2; i < shape.length; i++) {
      fanOut *= shape[i];
    }
    return normal(b, rnd, Math.sqrt(2.0 / Math.max(fanOut, 1)), shape);
  }

  /** Normal with mean 0. */
  public static Tensor normal(Backend b, Random rnd, double std, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextGaussian() * std);
    }
    return b.fromFloats(v, shape);
  }
}
