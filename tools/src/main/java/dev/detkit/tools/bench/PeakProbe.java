package dev.detkit.tools.bench;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The attainable rate of this machine in the forward pass's compute dtype (float32 or bfloat16),
 * measured in the benchmark's own process through the same backend (not a clock from
 * /proc/cpuinfo): the best of a few runs of a large matmul and of a large 3x3 convolution, in
 * GFLOP/s counting a multiply and an add as two FLOPs.
 */
public final class PeakProbe {
  /** Matmul side: 4096 gives a 137 GFLOP product, long enough to reach steady clocks. */
  static final int MATMUL_N = 4096;

  /** A 3x3 conv of 256 to 256 channels on 112x112: 14.8 GFLOP. */
  static final int CONV_C = 256;

  static final int CONV_HW = 112;

  static final int RUNS = 4;

  private PeakProbe() {}

  /**
   * {@code matmul_gflops} and {@code conv3x3_gflops} in float32, each the best of {@link #RUNS}.
   */
  public static Map<String, Object> measure(Backend b) {
    return measure(b, DType.FLOAT32);
  }

  /** As {@link #measure(Backend)} with the operands in {@code dtype}. */
  public static Map<String, Object> measure(Backend b, DType dtype) {
    Random r = new Random(0);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dtype", dtype.name().toLowerCase(java.util.Locale.ROOT));
    try (TensorScope scope = TensorScope.open()) {
      Tensor a = random(b, r, dtype, MATMUL_N, MATMUL_N);
      Tensor m = random(b, r, dtype, MATMUL_N, MATMUL_N);
      double flop = 2.0 * MATMUL_N * MATMUL_N * MATMUL_N;
      out.put("matmul_shape", new int[] {MATMUL_N, MATMUL_N, MATMUL_N});
      out.put("matmul_gflops", best(flop, () -> a.matmul(m)));
    }
    try (TensorScope scope = TensorScope.open()) {
      Tensor x = random(b, r, dtype, 1, CONV_C, CONV_HW, CONV_HW);
      Tensor w = random(b, r, dtype, CONV_C, CONV_C, 3, 3);
      Conv2dOptions o = new Conv2dOptions(1, 1, Padding2d.of(1), 1, 1, 1);
      double flop = 2.0 * CONV_C * CONV_C * 9 * CONV_HW * CONV_HW;
      out.put("conv3x3_shape", new int[] {1, CONV_C, CONV_HW, CONV_HW, CONV_C});
      out.put("conv3x3_gflops", best(flop, () -> x.conv2d(w, null, o)));
    }
    return out;
  }

  private static double best(double flop, java.util.function.Supplier<Tensor> op) {
    double best = 0;
    for (int i = 0; i <= RUNS; i++) {
      try (TensorScope scope = TensorScope.open()) {
        long t0 = System.nanoTime();
        // CPU kernels return when the result is computed: no copy out is needed.
        op.get();
        double s = (System.nanoTime() - t0) / 1e9;
        // The first run warms caches and thread pools; it is not counted.
        if (i > 0) {
          best = Math.max(best, flop / s / 1e9);
        }
      }
    }
    return best;
  }

  private static Tensor random(Backend b, Random r, DType dtype, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * 0.1);
    }
    Tensor t = b.fromFloats(v, shape);
    return dtype == DType.FLOAT32 ? t : t.toType(dtype);
  }
}
