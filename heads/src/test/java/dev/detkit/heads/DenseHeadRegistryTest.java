package dev.detkit.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.TestRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered dense head, on every registered backend, built from a generic config with its
 * own defaults, run on a small 5-level pyramid (256x192 image): outputs per level, finite losses
 * with gradients (where the backend has autograd) and well-formed detections. A new head needs no
 * code here.
 */
class DenseHeadRegistryTest {
  static final Registry REGISTRY = TestRuntime.registry();

  /** The detector-level parts a head receives from its detector in mmdet. */
  static final String COMMON =
      "num_classes: 3, in_channels: 32, feat_channels: 32,"
          + " train_cfg: {assigner: {type: ATSSAssigner, topk: 9}},"
          + " test_cfg: {nms_pre: 200, score_thr: 0.0, nms: {type: nms, iou_threshold: 0.6},"
          + " max_per_img: 30}";

  static DenseHead build(String yaml) {
    return build(yaml, TestRuntime.backend("djl"));
  }

  static DenseHead build(String yaml, Backend b) {
    CfgMap cfg = (CfgMap) Yaml.parseValue(yaml, new Origin("test", 0));
    return REGISTRY.build(
        new ComponentConfig(ComponentKind.HEAD, cfg, "bbox_head"),
        DenseHead.class,
        new BuildContext(REGISTRY, b),
        Map.of());
  }

  static Stream<Arguments> headsAndBackends() {
    List<Arguments> out = new ArrayList<>();
    for (String head : REGISTRY.names(ComponentKind.HEAD)) {
      for (String backend : TestRuntime.backends().names()) {
        out.add(Arguments.of(head, backend));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("headsAndBackends")
  void buildsRunsLossesAndDetections(String type, String backend) {
    Backend b = TestRuntime.backend(backend);
    // Heads that must be told the number of levels (RetinaSepBNHead's num_ins) get 5.
    boolean numIns =
        java.util.Arrays.stream(
                REGISTRY
                    .resolve(ComponentKind.HEAD, type, new Origin("test", 0), "t")
                    .argsType()
                    .getRecordComponents())
            .anyMatch(c -> c.getName().equals("numIns"));
    DenseHead head =
        build("{type: " + type + ", " + COMMON + (numIns ? ", num_ins: 5" : "") + "}", b);
    Module m = (Module) head;
    // 256x192: the stride-128 level is 2x2 (detkit's GN refuses one value per group).
    int h = 256;
    int w = 192;
    List<ImageMeta> metas =
        List.of(
            new ImageMeta(
                "a",
                0,
                new int[] {256, 192},
                new int[] {h, w},
                new double[] {0.5, 0.5},
                new int[] {h, w},
                new int[] {h, w}),
            new ImageMeta(
                "b",
                1,
                new int[] {100, 90},
                new int[] {100, 90},
                new double[] {1, 1},
                new int[] {128, 96},
                new int[] {h, w}));
    List<GtInstances> gts =
        List.of(
            new GtInstances(new float[] {10, 12, 60, 70, 40, 50, 90, 120}, new int[] {0, 2}),
            GtInstances.empty());
    Random rnd = new Random(1);
    try (TensorScope scope = TensorScope.open()) {
      List<Tensor> feats = new ArrayList<>();
      PriorGenerator pg = head.priorGenerator();
      for (int l = 0; l < pg.numLevels(); l++) {
        int s = pg.stride(l);
        int fh = (h + s - 1) / s;
        int fw = (w + s - 1) / s;
        float[] x = new float[2 * 32 * fh * fw];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) rnd.nextGaussian();
        }
        feats.add(b.fromFloats(x, 2, 32, fh, fw));
      }
      m.train(true);
      HeadOutputs out = head.forward(feats);
      for (List<Tensor> level : List.of(out.clsScores(), out.bboxPreds())) {
        assertEquals(pg.numLevels(), level.size(), type + " levels");
      }
      assertEquals(3 * pg.numBasePriors(), out.clsScores().get(0).dim(1), type + " classes");
      if (b.has(Capability.AUTOGRAD)) {
        m.requireGradients();
        try (GradientScope g = b.recordGradients()) {
          HeadLosses losses = head.lossByFeat(head.forward(feats), gts, metas);
          for (Map.Entry<String, Tensor> e : losses.summed().entrySet()) {
            double v = e.getValue().item();
            assertTrue(Double.isFinite(v) && v >= 0, type + " " + e.getKey() + " = " + v);
          }
          losses.total().backward();
        }
      }
      m.train(false);
      List<Detections> dets = head.predictByFeat(head.forward(feats), metas);
      assertEquals(2, dets.size());
      for (int i = 0; i < 2; i++) {
        Detections d = dets.get(i);
        assertTrue(d.labels().length <= 30, type + " max_per_img");
        assertEquals(4 * d.labels().length, d.boxes().length);
        for (int k = 0; k < d.labels().length; k++) {
          assertTrue(d.labels()[k] >= 0 && d.labels()[k] < 3, "label");
          assertTrue(d.scores()[k] >= 0 && d.scores()[k] <= 1, "score");
          assertTrue(d.boxes()[4 * k + 2] > d.boxes()[4 * k], "box width");
          if (k > 0) {
            assertTrue(d.scores()[k] <= d.scores()[k - 1], "scores descending");
          }
        }
      }
    } finally {
      m.close();
    }
  }
}
