package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.heads.assign.AssignResult;
import dev.detkit.heads.assign.BboxOverlaps;
import dev.detkit.heads.assign.MaxIoUAssigner;
import dev.detkit.heads.losses.FocalLoss;
import dev.detkit.heads.losses.L1Loss;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MaxIoUAssigner, FocalLoss and L1Loss against mmdetection (fixture ops, parts assign/loss). */
class TrainingOpsFixtureTest {
  static Map<String, TensorData> ops;

  @BeforeAll
  static void load() {
    ops = Fixtures.tensors("ops", "ops.safetensors");
  }

  static int[] ints(String key) {
    return Arrays.stream(ops.get(key).toLongs()).mapToInt(v -> (int) v).toArray();
  }

  @Test
  void overlapsMatchBboxOverlaps2D() {
    float[][] iou =
        BboxOverlaps.iou(
            ops.get("assign.gt_bboxes").toFloats(), ops.get("assign.anchors").toFloats());
    float[] expected = ops.get("assign.overlaps").toFloats();
    int n = iou[0].length;
    for (int i = 0; i < iou.length; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(expected[i * n + j], iou[i][j], 1e-7, "iou " + i + "," + j);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"retina_effb3", "retina_base", "min_pos_0.1", "no_gt_max_assign_all"})
  void maxIoUAssignerMatchesMmdet(String name) {
    double neg = name.equals("retina_effb3") || name.startsWith("no_gt") ? 0.5 : 0.4;
    double minPos = name.equals("min_pos_0.1") ? 0.1 : 0.0;
    boolean assignAll = !name.startsWith("no_gt");
    MaxIoUAssigner a =
        new MaxIoUAssigner(
            new MaxIoUAssigner.Args(0.5, neg, minPos, assignAll, -1, true, true, -1, null));
    AssignResult r =
        a.assign(
            ops.get("assign.anchors").toFloats(),
            ops.get("assign.gt_bboxes").toFloats(),
            ints("assign.gt_labels"));
    String p = "assign." + name + ".";
    assertArrayEquals(ints(p + "assigned_gt_inds"), r.gtInds(), "gt_inds");
    assertArrayEquals(ints(p + "labels"), r.labels(), "labels");
    assertArrayEquals(ops.get(p + "max_overlaps").toFloats(), r.maxOverlaps(), 1e-7f, "max iou");
  }

  @Test
  void assignerWithoutGtMakesEveryPriorNegative() {
    MaxIoUAssigner a =
        new MaxIoUAssigner(new MaxIoUAssigner.Args(0.5, 0.4, 0, true, -1, true, true, -1, null));
    AssignResult r = a.assign(new float[] {0, 0, 4, 4, 1, 1, 5, 5}, new float[0], new int[0]);
    assertArrayEquals(new int[] {0, 0}, r.gtInds());
    assertArrayEquals(new int[] {-1, -1}, r.labels());
  }

  @Test
  void badNegIouThrIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MaxIoUAssigner.Args(0.5, "x", 0, true, -1, true, true, -1, null));
    assertTrue(e.getMessage().contains("neg_iou_thr"), e.getMessage());
  }

  @Test
  void focalLossValueGradientAndVariantsMatchMmdet() {
    Backend b = TestRuntime.backend("djl");
    try (TensorScope scope = TensorScope.open();
        GradientScope g = b.recordGradients()) {
      Tensor pred = ops.get("loss.focal.pred").toTensor(b).requiresGrad(true);
      Tensor target = ops.get("loss.focal.target").toTensor(b);
      Tensor weight = ops.get("loss.focal.weight").toTensor(b);
      FocalLoss focal = new FocalLoss(new FocalLoss.Args(true, 2.0, 0.25, "mean", 1.0, false));
      Tensor loss = focal.forward(pred, target, weight, 13.0);
      assertRel(ops.get("loss.focal.loss").toFloats()[0], loss.item(), 1e-5, "focal loss");
      loss.backward();
      Fixtures.assertClose(pred.grad(), ops.get("loss.focal.grad_pred"), 1e-4, "focal grad");
      FocalLoss none = new FocalLoss(new FocalLoss.Args(true, 2.0, 0.25, "none", 1.0, false));
      Fixtures.assertClose(
          none.forward(pred, target, weight, null).detach(),
          ops.get("loss.focal.loss_none"),
          1e-5,
          "focal none");
      assertRel(
          ops.get("loss.focal.loss_no_avg_factor_mean").toFloats()[0],
          focal.forward(pred, target, weight, null).item(),
          1e-5,
          "focal mean");
      FocalLoss variant = new FocalLoss(new FocalLoss.Args(true, 1.5, 0.4, "mean", 2.0, false));
      assertRel(
          ops.get("loss.focal.loss_gamma1.5_alpha0.4_lw2").toFloats()[0],
          variant.forward(pred, target, weight, 13.0).item(),
          1e-5,
          "focal variant");
    }
  }

  @Test
  void l1LossValueAndGradientMatchMmdet() {
    Backend b = TestRuntime.backend("djl");
    try (TensorScope scope = TensorScope.open();
        GradientScope g = b.recordGradients()) {
      Tensor pred = ops.get("loss.l1.pred").toTensor(b).requiresGrad(true);
      Tensor target = ops.get("loss.l1.target").toTensor(b);
      Tensor weight = ops.get("loss.l1.weight").toTensor(b);
      L1Loss l1 = new L1Loss(new L1Loss.Args("mean", 1.0));
      Tensor loss = l1.forward(pred, target, weight, 29.0);
      assertRel(ops.get("loss.l1.loss").toFloats()[0], loss.item(), 1e-5, "l1 loss");
      loss.backward();
      Fixtures.assertClose(pred.grad(), ops.get("loss.l1.grad_pred"), 1e-5, "l1 grad");
      Fixtures.assertClose(
          new L1Loss(new L1Loss.Args("none", 1.0)).forward(pred, target, weight, null).detach(),
          ops.get("loss.l1.loss_none"),
          1e-6,
          "l1 none");
    }
  }

  @Test
  void lossesRejectBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new L1Loss.Args("avg", 1.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new FocalLoss.Args(false, 2.0, 0.25, "mean", 1.0, false));
    Backend b = TestRuntime.backend("djl");
    try (TensorScope scope = TensorScope.open()) {
      L1Loss l1 = new L1Loss(new L1Loss.Args("mean", 1.0));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  l1.forward(
                      b.zeros(dev.detkit.api.tensor.DType.FLOAT32, 2, 4),
                      b.zeros(dev.detkit.api.tensor.DType.FLOAT32, 3, 4),
                      null,
                      null));
      assertTrue(e.getMessage().contains("L1Loss"), e.getMessage());
    }
  }

  static void assertRel(double expected, double actual, double tol, String what) {
    double rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-30);
    assertTrue(
        rel <= tol, what + ": expected " + expected + ", got " + actual + " (rel " + rel + ")");
  }
}
