package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.heads.losses.HuberLoss;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * HuberLoss against its definition in mmdet's projects/EfficientDet/efficientdet/huber_loss.py
 * (reference efficientdet.md section 8.2), in double precision, on values straddling beta.
 */
class HuberLossTest {
  static final Backend B = TestRuntime.backend("djl");

  @Test
  void matchesTheTfHuberFormulaWithWeightsAndAvgFactor() {
    Random r = new Random(3);
    int n = 64;
    float[] p = new float[n];
    float[] t = new float[n];
    float[] w = new float[n];
    double beta = 0.1;
    double expected = 0;
    for (int i = 0; i < n; i++) {
      p[i] = (float) (r.nextGaussian() * 0.15);
      t[i] = (float) (r.nextGaussian() * 0.15);
      w[i] = r.nextBoolean() ? 1f : 0f;
      double d = Math.abs((double) p[i] - t[i]);
      double l = d < beta ? 0.5 * d * d : beta * d - 0.5 * beta * beta;
      expected += l * w[i];
    }
    double avgFactor = 7 * 4;
    expected = 50 * expected / avgFactor;
    try (TensorScope scope = TensorScope.open()) {
      HuberLoss loss = new HuberLoss(new HuberLoss.Args(beta, "mean", 50));
      Tensor got =
          loss.forward(
              B.fromFloats(p, 16, 4), B.fromFloats(t, 16, 4), B.fromFloats(w, 16, 4), avgFactor);
      assertEquals(expected, got.item(), 1e-6 * Math.abs(expected));
      Tensor empty =
          loss.forward(
              B.fromFloats(new float[0], 0, 4), B.fromFloats(new float[0], 0, 4), null, 1.0);
      assertEquals(0.0, empty.item());
    }
  }
}
