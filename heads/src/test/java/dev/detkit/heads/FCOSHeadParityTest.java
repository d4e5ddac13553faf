package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.detkit.api.config.ConfigException;
import dev.detkit.api.nn.Module;
import dev.detkit.api.structures.GtInstances;
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

/**
 * FCOSHead (GN, conv_bias, centre sampling, norm_on_bbox, centerness_on_reg, GIoU) against
 * mmdetection 3.3's on ../shared/fixtures/dense_heads/fcos, at the tolerances.
 */
class FCOSHeadParityTest {
  static final List<String> OUTS = List.of("cls_scores", "bbox_preds", "centernesses");

  @ParameterizedTest
  @ValueSource(strings = {"djl", "nd4j"})
  void forwardMatchesInTrainAndEvalMode(String backend) {
    Backend b = TestRuntime.backend(backend);
    DenseHeadFixture f = new DenseHeadFixture("fcos");
    DenseHead head = f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      ((Module) head).train(true);
      HeadOutputs out = head.forward(f.inputs(b));
      ((Module) head).train(false);
      HeadOutputs ev = head.forward(f.inputs(b));
      for (String n : OUTS) {
        for (int l = 0; l < 5; l++) {
          Fixtures.Error e =
              Fixtures.assertClose(out.get(n).get(l), f.t.get("out." + n + "." + l), 1e-4, n + l);
          String evalKey = f.t.containsKey("out_eval." + n + "." + l) ? "out_eval." : "out.";
          Fixtures.assertClose(
              ev.get(n).get(l), f.t.get(evalKey + n + "." + l), 1e-4, "eval " + n + l);
          System.out.printf("%s fcos forward %s.%d max rel %.2e%n", backend, n, l, e.maxRel());
        }
      }
    } finally {
      ((Module) head).close();
    }
  }

  @Test
  void priorsTargetsLossesGradientsAndDetections() {
    Backend b = TestRuntime.backend("djl");
    DenseHeadFixture f = new DenseHeadFixture("fcos");
    FCOSHead head = (FCOSHead) f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      HeadOutputs out = f.outputs(b, false, OUTS);
      List<float[]> priors = head.priors(out);
      for (int l = 0; l < 5; l++) {
        assertArrayEquals(f.t.get("priors." + l).toFloats(), priors.get(l), 0f, "priors " + l);
      }
      FCOSHead.Targets t = head.targets(priors, f.gts());
      for (int l = 0; l < 5; l++) {
        assertArrayEquals(f.ints("target.labels." + l), t.labels().get(l), "labels " + l);
        assertArrayEquals(f.ints("target.gt_index." + l), t.gtIndex().get(l), "gt index " + l);
        DenseHeadFixture.assertFloats(
            f.t.get("target.bbox_targets." + l).toFloats(),
            t.bboxTargets().get(l),
            1e-5,
            "bbox targets " + l);
      }
      for (Tensor x : out.flat().values()) {
        x.requiresGrad(true);
      }
      HeadLosses losses;
      try (GradientScope g = b.recordGradients()) {
        losses = head.lossByFeat(out, f.gts(), f.metas());
        losses.total().backward();
      }
      Map<String, Tensor> summed = losses.summed();
      for (String k : List.of("loss_cls", "loss_bbox", "loss_centerness")) {
        DenseHeadFixture.assertRel(
            f.t.get("loss." + k).toFloats()[0], summed.get(k).item(), 1e-5, "fcos " + k);
      }
      DenseHeadFixture.assertRel(
          f.t.get("loss.total").toFloats()[0], losses.total().item(), 1e-5, "fcos total");
      for (Map.Entry<String, Tensor> e : out.flat().entrySet()) {
        Fixtures.Error err =
            Fixtures.assertClose(
                e.getValue().grad(), f.t.get("grad." + e.getKey()), 1e-4, "grad " + e.getKey());
        System.out.printf("fcos grad %s max rel %.2e%n", e.getKey(), err.maxRel());
      }
      HeadOutputs ev = f.outputs(b, true, OUTS);
      f.assertDetections(head.predictByFeat(ev, f.metas()), 1e-2, 1e-4);
    } finally {
      head.close();
    }
  }

  @Test
  void centreSamplingEdgeAndInclusiveRangeBounds() {
    Backend b = TestRuntime.backend("djl");
    DenseHeadFixture f = new DenseHeadFixture("fcos");
    FCOSHead head = (FCOSHead) f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      HeadOutputs out = f.outputs(b, false, OUTS);
      List<float[]> priors = head.priors(out);
      GtInstances gt =
          new GtInstances(f.t.get("edge.gt.bboxes").toFloats(), f.ints("edge.gt.labels"));
      FCOSHead.Targets t = head.targets(priors, List.of(gt));
      for (int l = 0; l < 5; l++) {
        if (!f.t.containsKey("edge.target.labels." + l)) {
          continue;
        }
        assertArrayEquals(f.ints("edge.target.labels." + l), t.labels().get(l), "edge labels " + l);
        assertArrayEquals(f.ints("edge.target.gt_index." + l), t.gtIndex().get(l), "edge gt " + l);
        DenseHeadFixture.assertFloats(
            f.t.get("edge.target.bbox_targets." + l).toFloats(),
            t.bboxTargets().get(l),
            1e-5,
            "edge targets " + l);
      }
    } finally {
      head.close();
    }
  }

  @Test
  void oldKeyNamesLoadAndDcnIsRefused() {
    FCOSHead head = (FCOSHead) new DenseHeadFixture("fcos").head(TestRuntime.backend("djl"));
    try {
      assertEquals("conv_cls.weight", head.renameLegacyKey("fcos_cls.weight"));
      assertEquals("conv_reg.bias", head.renameLegacyKey("fcos_reg.bias"));
      assertEquals("conv_centerness.weight", head.renameLegacyKey("fcos_centerness.weight"));
      assertEquals("cls_convs.0.conv.weight", head.renameLegacyKey("cls_convs.0.conv.weight"));
      assertEquals("scales.0.scale", head.renameLegacyKey("scales.0.scale"));
    } finally {
      head.close();
    }
    assertThrows(
        ConfigException.class,
        () ->
            DenseHeadRegistryTest.build(
                "{type: FCOSHead, num_classes: 3, in_channels: 32, feat_channels: 32, dcn_on_last_conv: true}"));
  }

  /** ND4J: detections from mmdet's stored outputs (post-processing on that backend). */
  @Test
  void nd4jDetectionsFromStoredOutputs() {
    Backend b = TestRuntime.backend("nd4j");
    DenseHeadFixture f = new DenseHeadFixture("fcos");
    DenseHead head = f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      f.assertDetections(head.predictByFeat(f.outputs(b, true, OUTS), f.metas()), 1e-2, 1e-4);
    } finally {
      ((Module) head).close();
    }
  }
}
