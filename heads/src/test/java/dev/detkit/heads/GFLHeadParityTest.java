package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

/** GFLHead (Integral, QFL, DFL) against mmdetection 3.3's on ../shared/fixtures/dense_heads/gfl. */
class GFLHeadParityTest {
  static final List<String> OUTS = List.of("cls_scores", "bbox_preds");

  @ParameterizedTest
  @ValueSource(strings = {"djl", "nd4j"})
  void forwardMatches(String backend) {
    Backend b = TestRuntime.backend(backend);
    DenseHeadFixture f = new DenseHeadFixture("gfl");
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
    DenseHeadFixture f = new DenseHeadFixture("gfl");
    GFLHead head = (GFLHead) f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      HeadOutputs out = f.outputs(b, false, OUTS);
      List<float[]> priors = head.priors(out);
      for (int l = 0; l < 5; l++) {
        assertArrayEquals(f.t.get("priors." + l).toFloats(), priors.get(l), 0f, "priors " + l);
      }
      ATSSHeadParityTest.assertTargets(f, head.targets(out, f.gts(), f.metas()));
      for (Tensor x : out.flat().values()) {
        x.requiresGrad(true);
      }
      HeadLosses losses;
      try (GradientScope g = b.recordGradients()) {
        losses = head.lossByFeat(out, f.gts(), f.metas());
        losses.total().backward();
      }
      ATSSHeadParityTest.assertLosses(f, losses, List.of("loss_cls", "loss_bbox", "loss_dfl"));
      for (Map.Entry<String, Tensor> e : out.flat().entrySet()) {
        Fixtures.assertClose(
            e.getValue().grad(), f.t.get("grad." + e.getKey()), 1e-4, "grad " + e.getKey());
      }
      f.assertDetections(head.predictByFeat(out, f.metas()), 1e-2, 1e-4);
    } finally {
      head.close();
    }
  }

  /** ND4J: detections from mmdet's stored outputs (post-processing on that backend). */
  @Test
  void nd4jDetectionsFromStoredOutputs() {
    Backend b = TestRuntime.backend("nd4j");
    DenseHeadFixture f = new DenseHeadFixture("gfl");
    DenseHead head = f.head(b);
    try (TensorScope scope = TensorScope.open()) {
      f.assertDetections(head.predictByFeat(f.outputs(b, false, OUTS), f.metas()), 1e-2, 1e-4);
    } finally {
      ((Module) head).close();
    }
  }
}
