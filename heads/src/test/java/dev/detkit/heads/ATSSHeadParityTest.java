package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detkit.api.nn.Module;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ATSSHead and ATSSAssigner against mmdetection 3.3's on ../shared/fixtures/dense_heads/atss. */
class ATSSHeadParityTest {
  static final List<String> OUTS = List.of("cls_scores", "bbox_preds", "centernesses");

  @ParameterizedTest
  @ValueSource(strings = {"djl", "nd4j"})
  void forwardMatches(String backend) {
    Backend b = TestRuntime.backend(backend);
    DenseHeadFixture f = new DenseHeadFixture("atss");
    DenseHead head = f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      ((Module) head).train(true);
      HeadOutputs out = head.forward(f.inputs(b));
      for (String n : OUTS) {
        for (int l = 0; l < 5; l++) {
          Fixtures.Error e =
              Fixtures.assertClose(out.get(n).get(l), f.t.get("out." + n + "." + l), 1e-4, n + l);
          System.out.printf(
              "%s %s forward %s.%d max rel %.2e%n", backend, f.name, n, l, e.maxRel());
        }
      }
    } finally {
      ((Module) head).close();
    }
  }

  @Test
  void priorsAssignmentTargetsLossesGradientsAndDetections() {
    Backend b = TestRuntime.backend("djl");
    DenseHeadFixture f = new DenseHeadFixture("atss");
    ATSSHead head = (ATSSHead) f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      HeadOutputs out = f.outputs(b, false, OUTS);
      List<float[]> priors = head.priors(out);
      for (int l = 0; l < 5; l++) {
        assertArrayEquals(f.t.get("priors." + l).toFloats(), priors.get(l), 0f, "priors " + l);
      }
      List<AnchorHead.ImageTargets> t = head.targets(out, f.gts(), f.metas());
      assertTargets(f, t);
      for (Tensor x : out.flat().values()) {
        x.requiresGrad(true);
      }
      HeadLosses losses;
      try (GradientScope g = b.recordGradients()) {
        losses = head.lossByFeat(out, f.gts(), f.metas());
        losses.total().backward();
      }
      assertLosses(f, losses, List.of("loss_cls", "loss_bbox", "loss_centerness"));
      for (Map.Entry<String, Tensor> e : out.flat().entrySet()) {
        Fixtures.assertClose(
            e.getValue().grad(), f.t.get("grad." + e.getKey()), 1e-4, "grad " + e.getKey());
      }
      f.assertDetections(head.predictByFeat(out, f.metas()), 1e-2, 1e-4);
    } finally {
      head.close();
    }
  }

  /** Valid flags, assignment over valid anchors, per-level targets and avg_factor, exactly. */
  static void assertTargets(DenseHeadFixture f, List<AnchorHead.ImageTargets> t) {
    int[] sizes = new int[5];
    for (int l = 0; l < 5; l++) {
      sizes[l] = f.t.get("priors." + l).shape().dims()[0];
    }
    int avg = 0;
    for (int i = 0; i < 2; i++) {
      AnchorHead.ImageTargets it = t.get(i);
      float[] valid = f.t.get("valid_flags." + i).toFloats();
      int[] gtInds = f.ints("assign." + i + ".gt_inds");
      int[] labels = f.ints("assign." + i + ".labels");
      float[] maxOv = f.t.get("assign." + i + ".max_overlaps").toFloats();
      int v = 0;
      for (int a = 0; a < valid.length; a++) {
        assertEquals(valid[a] != 0, it.labelWeights()[a] > 0, "valid flag " + i + "/" + a);
        if (valid[a] != 0) {
          assertEquals(gtInds[v], it.assign().gtInds()[a], "gt_inds " + i + "/" + a);
          assertEquals(labels[v], it.assign().labels()[a], "assigned label " + i + "/" + a);
          assertEquals(maxOv[v], it.assign().maxOverlaps()[a], 0f, "max_overlaps " + i + "/" + a);
          v++;
        }
      }
      assertEquals(gtInds.length, v, "valid anchors of image " + i);
      avg += it.avgFactor();
      int start = 0;
      for (int l = 0; l < 5; l++) {
        int n = sizes[l];
        int[] el = f.ints("target.labels." + l);
        float[] ew = f.t.get("target.label_weights." + l).toFloats();
        float[] bt = f.t.get("target.bbox_targets." + l).toFloats();
        float[] bw = f.t.get("target.bbox_weights." + l).toFloats();
        for (int k = 0; k < n; k++) {
          int a = start + k;
          assertEquals(el[i * n + k], it.labels()[a], "label " + l + "/" + i + "/" + k);
          assertEquals(ew[i * n + k], it.labelWeights()[a], 0f, "label weight");
          for (int c = 0; c < 4; c++) {
            assertEquals(bw[4 * (i * n + k) + c], it.bboxWeights()[4 * a + c], 0f, "bbox weight");
            assertEquals(bt[4 * (i * n + k) + c], it.bboxTargets()[4 * a + c], 0f, "bbox target");
          }
        }
        start += n;
      }
    }
    assertEquals((int) f.t.get("target.avg_factor").toFloats()[0], avg, "avg_factor");
  }

  /** Every per-level term and each term's sum, 1e-5 relative. */
  static void assertLosses(DenseHeadFixture f, HeadLosses losses, List<String> keys) {
    for (String k : keys) {
      for (int l = 0; l < 5; l++) {
        DenseHeadFixture.assertRel(
            f.t.get("loss." + k + "." + l).toFloats()[0],
            losses.get(k).get(l).item(),
            1e-5,
            f.name + " " + k + "." + l);
      }
      DenseHeadFixture.assertRel(
          f.t.get("loss." + k).toFloats()[0],
          losses.summed().get(k).item(),
          1e-5,
          f.name + " " + k);
    }
    DenseHeadFixture.assertRel(
        f.t.get("loss.total").toFloats()[0], losses.total().item(), 1e-5, f.name + " total");
  }

  /** ND4J: detections from mmdet's stored outputs (post-processing on that backend). */
  @Test
  void nd4jDetectionsFromStoredOutputs() {
    Backend b = TestRuntime.backend("nd4j");
    DenseHeadFixture f = new DenseHeadFixture("atss");
    DenseHead head = f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      f.assertDetections(head.predictByFeat(f.outputs(b, false, OUTS), f.metas()), 1e-2, 1e-4);
    } finally {
      ((Module) head).close();
    }
  }
}
