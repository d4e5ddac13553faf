package dev.detkit.backend.libtorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.distributed.DistributedEnv;
import dev.detkit.api.distributed.ProcessGroup;
import dev.detkit.api.nn.BatchNorm2d;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.TestRuntime;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SyncBN across two Gloo ranks (two threads of this JVM, each with its own TCPStore client and Gloo
 * group over loopback) with one image each equals plain BN on one process with both images: the
 * output, the running statistics and every gradient, through two SyncBN layers in a row (so that
 * the ranks' backward all-reduces must pair up layer by layer).
 */
class SyncBatchNormTest {
  private static final int C = 3;
  private static final int H = 5;
  private static final int W = 6;
  private static final int IMAGE = C * H * W;
  private static final double TOL = 1e-5;

  private static float[] randoms(long seed, int n, double offset, double scale) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (offset + scale * r.nextGaussian());
    }
    return v;
  }

  /**
   * Two layers: SyncBN -> ReLU -> SyncBN, loss = sum(y * y * r). Returns the output, running
   * statistics and gradients by name.
   */
  private static Map<String, float[]> run(
      Backend be, String type, float[] x, float[] r, int batch, ProcessGroup group) {
    BatchNorm2d bn1 = new BatchNorm2d(be, C, new NormCfg(type, 1e-3, 0.01, true));
    BatchNorm2d bn2 = new BatchNorm2d(be, C, new NormCfg(type, 1e-5, 0.1, true));
    int seed = 10;
    for (BatchNorm2d bn : List.of(bn1, bn2)) {
      bn.weight().get().assign(be.fromFloats(randoms(seed++, C, 1, 0.3), C));
      bn.bias().get().assign(be.fromFloats(randoms(seed++, C, 0, 0.3), C));
      bn.runningMean().get().assign(be.fromFloats(randoms(seed++, C, 0, 1), C));
      bn.runningVar().get().assign(be.fromFloats(randoms(seed++, C, 2, 0.2), C));
      bn.train(true);
      bn.requireGradients();
      if (group != null) {
        bn.synchronizeAcross(group);
      }
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    try (TensorScope scope = TensorScope.open()) {
      Tensor in = be.fromFloats(x, batch, C, H, W).requiresGrad(true);
      Tensor y = bn2.forward(bn1.forward(in).relu());
      y.mul(y).mul(be.fromFloats(r, batch, C, H, W)).sum().backward();
      out.put("y", y.toFloatArray());
      out.put("x.grad", in.grad().toFloatArray());
      int i = 1;
      for (BatchNorm2d bn : List.of(bn1, bn2)) {
        out.put(i + ".running_mean", bn.runningMean().get().toFloatArray());
        out.put(i + ".running_var", bn.runningVar().get().toFloatArray());
        out.put(i + ".weight.grad", bn.weight().get().grad().toFloatArray());
        out.put(i + ".bias.grad", bn.bias().get().grad().toFloatArray());
        i++;
      }
    }
    bn1.close();
    bn2.close();
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static float[] part(float[] v, int rank) {
    float[] p = new float[IMAGE];
    System.arraycopy(v, rank * IMAGE, p, 0, IMAGE);
    return p;
  }

  /** Max-abs error relative to the expected tensor's max magnitude. */
  private static double maxRel(float[] expected, float[] actual) {
    double scale = 0;
    double err = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      err = Math.max(err, Math.abs(expected[i] - actual[i]));
    }
    return err / Math.max(scale, 1e-12);
  }

  private static void assertClose(String what, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what);
    double rel = maxRel(expected, actual);
    System.out.printf("SyncBN %s: max-rel %.2e%n", what, rel);
    assertTrue(rel <= TOL, what + ": max-rel error " + rel + " > " + TOL);
  }

  @Test
  void twoRanksWithOneImageEachEqualBatchNormOverBothImages() throws Exception {
    Backend be = TestRuntime.backend("libtorch");
    // Channel means well away from zero against their spread, as after a convolution.
    float[] x = randoms(1, 2 * IMAGE, 3, 0.5);
    float[] r = randoms(2, 2 * IMAGE, 0, 1);
    Map<String, float[]> reference = run(be, "BN", x, r, 2, null);
    // Without a group each rank normalises its own image: the comparison below would fail.
    float[] alone = run(be, "SyncBN", part(x, 0), part(r, 0), 1, null).get("y");
    assertTrue(maxRel(part(reference.get("y"), 0), alone) > 1e-2, "the two images' stats differ");

    int port = freePort();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Map<String, float[]>>> ranks = new ArrayList<>();
      for (int rank = 0; rank < 2; rank++) {
        int rk = rank;
        ranks.add(
            pool.submit(
                () -> {
                  DistributedEnv env =
                      new DistributedEnv(rk, 2, rk, "127.0.0.1", port, Duration.ofSeconds(30));
                  try (ProcessGroup group = be.processGroup(env)) {
                    return run(be, "SyncBN", part(x, rk), part(r, rk), 1, group);
                  }
                }));
      }
      Map<String, float[]> r0 = ranks.get(0).get(60, TimeUnit.SECONDS);
      Map<String, float[]> r1 = ranks.get(1).get(60, TimeUnit.SECONDS);
      for (int rank = 0; rank < 2; rank++) {
        Map<String, float[]> got = rank == 0 ? r0 : r1;
        assertClose("rank " + rank + " y", part(reference.get("y"), rank), got.get("y"));
        assertClose(
            "rank " + rank + " x.grad", part(reference.get("x.grad"), rank), got.get("x.grad"));
      }
      for (String k : reference.keySet()) {
        if (k.contains("running")) {
          // Every rank holds the statistics of both images.
          assertClose("rank 0 " + k, reference.get(k), r0.get(k));
          assertClose("rank 1 " + k, reference.get(k), r1.get(k));
        } else if (k.endsWith("weight.grad") || k.endsWith("bias.grad")) {
          // Each rank's gradient is its own images' share; DDP's all-reduce sums the shares.
          float[] sum = r0.get(k).clone();
          for (int i = 0; i < sum.length; i++) {
            sum[i] += r1.get(k)[i];
          }
          assertClose("sum over ranks of " + k, reference.get(k), sum);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
