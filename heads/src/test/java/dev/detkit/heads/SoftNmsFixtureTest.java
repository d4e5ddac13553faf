package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.testing.Fixtures;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * mmcv's gaussian soft-NMS through batched_nms, fed EfficientDet-D0's stored NMS inputs
 * (fixtures/efficientdet_d0_small): the same survivors in the same order, the same decayed scores.
 */
class SoftNmsFixtureTest {
  @Test
  void gaussianSoftNmsKeepsAndDecaysAsMmcv() {
    Map<String, TensorData> io = Fixtures.tensors("efficientdet_d0_small", "io.safetensors");
    float[] boxes = io.get("post.nms_in.bboxes").toFloats();
    float[] scores = io.get("post.nms_in.scores").toFloats();
    int[] labels =
        Arrays.stream(io.get("post.nms_in.labels").toLongs()).mapToInt(l -> (int) l).toArray();
    TestCfg.NmsCfg cfg = new TestCfg.NmsCfg("soft_nms", 0.3, false, 10000, 0.5, 1e-3, "gaussian");
    Nms.Kept kept = Nms.batched(boxes, scores, labels, cfg);
    long[] keep = io.get("post.nms.keep").toLongs();
    float[] dets = io.get("post.nms.dets").toFloats();
    assertEquals(2113, keep.length);
    assertArrayEquals(keep, Arrays.stream(kept.keep()).asLongStream().toArray(), "keep, in order");
    double worst = 0;
    for (int i = 0; i < keep.length; i++) {
      worst = Math.max(worst, Math.abs(kept.scores()[i] - dets[5 * i + 4]));
    }
    System.out.printf("soft-NMS decayed scores: max abs error %.2e%n", worst);
    assertTrue(worst <= 1e-6, "decayed scores within 1e-6, got " + worst);
  }

  @Test
  void linearAndNaiveMethodsDecayOnlyAboveTheThreshold() {
    // Two overlapping boxes (IoU 0.6) and one apart; one class.
    float[] boxes = {0, 0, 10, 10, 0, 0, 10, 6, 50, 50, 60, 60};
    float[] scores = {0.9f, 0.8f, 0.7f};
    int[] labels = {0, 0, 0};
    Nms.Kept linear =
        Nms.batched(
            boxes,
            scores,
            labels,
            new TestCfg.NmsCfg("soft_nms", 0.5, false, 10000, 0.5, 1e-3, "linear"));
    assertArrayEquals(new int[] {0, 2, 1}, linear.keep());
    assertEquals(0.8f * (1 - 0.6f), linear.scores()[2], 1e-6);
    Nms.Kept naive =
        Nms.batched(
            boxes,
            scores,
            labels,
            new TestCfg.NmsCfg("soft_nms", 0.5, false, 10000, 0.5, 1e-3, "naive"));
    assertArrayEquals(new int[] {0, 2}, naive.keep(), "a zeroed score falls below min_score");
  }
}
