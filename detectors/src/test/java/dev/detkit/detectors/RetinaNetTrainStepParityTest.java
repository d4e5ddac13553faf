package dev.detkit.detectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.heads.AnchorHead;
import dev.detkit.heads.HeadLosses;
import dev.detkit.heads.HeadOutputs;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One train-mode step of the fixture RetinaNet against mmdetection's: train-mode features,
 * assignment, targets, avg_factor, per-level focal and L1 losses, gradients after backward, and
 * every BN's running statistics after the step.
 */
class RetinaNetTrainStepParityTest {
  static final String FIXTURE = RetinaNetParityTest.FIXTURE;

  /** Parameters after the last head ReLU: compared by max-relative error (fixtures README). */
  static final List<String> AFTER_LAST_RELU =
      List.of(
          "bbox_head.retina_cls.bias",
          "bbox_head.retina_cls.weight",
          "bbox_head.retina_reg.weight",
          "bbox_head.retina_reg.bias",
          "bbox_head.cls_convs.4.3.bn.weight");

  @Test
  void oneTrainStepMatchesMmdetection() {
    trainStepMatchesMmdetection(TestRuntime.backend("djl"));
  }

  /** One SGD-free train step on {@code b}: features, targets, losses, gradients and BN buffers. */
  static void trainStepMatchesMmdetection(Backend b) {
    Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
    Map<String, TensorData> tr = Fixtures.tensors(FIXTURE, "train.safetensors");
    try (SingleStageDetector net = RetinaNetParityTest.build(b);
        TensorScope scope = TensorScope.open()) {
      net.loadStateDict(
          Checkpoints.load(Fixtures.dir(FIXTURE).resolve("weights.safetensors")), b, true, "w");
      net.train(true);
      net.requireGradients();
      GtInstances gt =
          new GtInstances(
              tr.get("gt.bboxes").toFloats(),
              Arrays.stream(tr.get("gt.labels").toLongs()).mapToInt(v -> (int) v).toArray());
      ImageMeta meta = RetinaNetParityTest.IMAGE_META;
      HeadLosses losses;
      try (GradientScope g = b.recordGradients()) {
        List<Tensor> feats = net.backbone().forward(io.get("inputs").toTensor(b));
        for (int i = 0; i < 3; i++) {
          Fixtures.assertClose(feats.get(i), tr.get("train.backbone." + i), 1e-4, "backbone " + i);
        }
        List<Tensor> neck = net.neck().forward(feats);
        for (int i = 0; i < 5; i++) {
          Fixtures.assertClose(neck.get(i), tr.get("train.neck." + i), 1e-4, "neck " + i);
        }
        HeadOutputs out = net.head().forward(neck);
        for (int i = 0; i < 5; i++) {
          Fixtures.assertClose(
              out.bboxPreds().get(i), tr.get("train.bbox_preds." + i), 1e-4, "bbox_preds " + i);
        }
        AnchorHead.ImageTargets t =
            ((AnchorHead) net.head()).targets(out, List.of(gt), List.of(meta)).get(0);
        assertTargets(tr, t);
        losses = net.head().lossByFeat(out, List.of(gt), List.of(meta));
        losses.total().backward();
      }
      float[] cls = tr.get("loss_cls_per_level").toFloats();
      float[] box = tr.get("loss_bbox_per_level").toFloats();
      for (int l = 0; l < 5; l++) {
        assertRel(cls[l], losses.get("loss_cls").get(l).item(), 1e-5, "loss_cls level " + l);
        assertRel(box[l], losses.get("loss_bbox").get(l).item(), 1e-5, "loss_bbox level " + l);
      }
      assertRel(tr.get("loss_total").toFloats()[0], losses.total().item(), 1e-5, "loss total");
      Map<String, Parameter> params = net.namedParameters();
      for (String key : tr.keySet()) {
        if (!key.startsWith("grad.")) {
          continue;
        }
        String name = key.substring("grad.".length());
        Tensor grad = params.get(name).get().grad();
        if (AFTER_LAST_RELU.contains(name)) {
          Fixtures.Error err = Fixtures.assertClose(grad, tr.get(key), 1e-4, key);
          System.out.printf("train parity %s: max rel %.2e%n", key, err.maxRel());
        } else {
          double l2 = l2Relative(grad.toFloatArray(), tr.get(key).toFloats());
          System.out.printf("train parity %s: L2-relative %.2e%n", key, l2);
          assertTrue(l2 <= 2e-2, key + ": L2-relative error " + l2);
        }
      }
      Map<String, Tensor> state = net.stateDict();
      int checked = 0;
      for (String key : tr.keySet()) {
        if (key.startsWith("bn_after.")) {
          String name = key.substring("bn_after.".length());
          Tensor actual = state.get(name);
          if (name.endsWith("num_batches_tracked")) {
            assertEquals(tr.get(key).toLongs()[0], (long) actual.item(), name);
          } else {
            Fixtures.assertClose(actual, tr.get(key), 1e-5, name);
          }
          checked++;
        }
      }
      assertEquals(279, checked, "BN buffers checked");
    }
  }

  /**
   * mmdet 3.x's avg_factor is the sum over images of max(positives, 1): a second, gt-free copy of
   * the image adds 1, and its L1 term is 0, so each level's box loss scales by avg / (avg + 1).
   */
  @Test
  void anImageWithoutGtAddsOneToAvgFactor() {
    Backend b = TestRuntime.backend("djl");
    Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
    Map<String, TensorData> tr = Fixtures.tensors(FIXTURE, "train.safetensors");
    try (SingleStageDetector net = RetinaNetParityTest.build(b);
        TensorScope scope = TensorScope.open()) {
      net.loadStateDict(
          Checkpoints.load(Fixtures.dir(FIXTURE).resolve("weights.safetensors")), b, true, "w");
      net.train(true);
      GtInstances gt =
          new GtInstances(
              tr.get("gt.bboxes").toFloats(),
              Arrays.stream(tr.get("gt.labels").toLongs()).mapToInt(v -> (int) v).toArray());
      ImageMeta meta = RetinaNetParityTest.IMAGE_META;
      Tensor x = io.get("inputs").toTensor(b);
      HeadOutputs out = net.head().forward(net.extractFeat(b.concat(0, x, x)));
      List<GtInstances> gts = List.of(gt, GtInstances.empty());
      List<AnchorHead.ImageTargets> t =
          ((AnchorHead) net.head()).targets(out, gts, List.of(meta, meta));
      int avg = (int) tr.get("targets.avg_factor").toFloats()[0];
      assertEquals(avg, t.get(0).avgFactor(), "image with gts");
      assertEquals(1, t.get(1).avgFactor(), "image without gts");
      assertTrue(Arrays.stream(t.get(1).labels()).allMatch(l -> l == 80), "all background");
      HeadLosses losses = net.head().lossByFeat(out, gts, List.of(meta, meta));
      float[] box = tr.get("loss_bbox_per_level").toFloats();
      double eps = Math.ulp(1.0f);
      for (int l = 0; l < 5; l++) {
        double expected = box[l] * (avg + eps) / (avg + 1 + eps);
        assertRel(expected, losses.get("loss_bbox").get(l).item(), 1e-5, "loss_bbox level " + l);
      }
    }
  }

  static void assertTargets(Map<String, TensorData> tr, AnchorHead.ImageTargets t) {
    assertArrayEquals(ints(tr, "assign.gt_inds"), t.assign().gtInds(), "assigned gt");
    assertArrayEquals(ints(tr, "assign.labels"), t.assign().labels(), "assigned labels");
    assertArrayEquals(
        tr.get("assign.max_overlaps").toFloats(), t.assign().maxOverlaps(), 1e-7f, "max iou");
    assertArrayEquals(ints(tr, "targets.labels"), t.labels(), "target labels");
    assertArrayEquals(tr.get("targets.label_weights").toFloats(), t.labelWeights(), "weights");
    assertArrayEquals(tr.get("targets.bbox_weights").toFloats(), t.bboxWeights(), "box weights");
    assertArrayEquals(
        tr.get("targets.bbox_targets").toFloats(), t.bboxTargets(), 1e-5f, "box targets");
    assertEquals((int) tr.get("targets.avg_factor").toFloats()[0], t.avgFactor(), "avg_factor");
  }

  static int[] ints(Map<String, TensorData> tr, String key) {
    return Arrays.stream(tr.get(key).toLongs()).mapToInt(v -> (int) v).toArray();
  }

  static double l2Relative(float[] a, float[] e) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += ((double) a[i] - e[i]) * ((double) a[i] - e[i]);
      den += (double) e[i] * e[i];
    }
    return Math.sqrt(num / Math.max(den, 1e-30));
  }

  static void assertRel(double expected, double actual, double tol, String what) {
    double rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
    assertTrue(
        rel <= tol, what + ": expected " + expected + ", got " + actual + " (rel " + rel + ")");
  }
}
