package dev.detkit.detectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.heads.HeadOutputs;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * EfficientDet-D0 built from the shipped config (configs/efficientdet), loaded strictly from the
 * fixture's mmdet checkpoint, against mmdetection 3.3's projects/EfficientDet outputs
 * (fixtures/efficientdet_d0_small): backbone, every BiFPN level, head outputs, anchors, and the
 * detections after gaussian soft-NMS, rescaled by a non-uniform scale factor.
 */
class EfficientDetParityTest {
  static final String FIXTURE = "efficientdet_d0_small";

  /** meta.json image_meta: img_shape 256x256, ori_shape 400x320, scale_factor (w 0.8, h 0.64). */
  static final ImageMeta META =
      new ImageMeta(
          "inputs",
          0,
          new int[] {400, 320},
          new int[] {256, 256},
          new double[] {0.8, 0.64},
          new int[] {256, 256},
          new int[] {256, 256});

  static SingleStageDetector build(Backend b) {
    ResolvedConfig cfg =
        new ConfigLoader()
            .load(
                Path.of(
                    System.getProperty("detkit.root", ".."),
                    "configs/efficientdet/efficientdet_effb0_bifpn_8xb16-crop512-300e_coco.yaml"));
    Registry r = TestRuntime.registry();
    return (SingleStageDetector)
        r.build(
            ComponentKind.DETECTOR,
            cfg.map("model"),
            "model",
            Detector.class,
            new BuildContext(r, b));
  }

  /**
   * Each shipped size against the reference's D0-D7 table (mmdet's model built with 80 classes,
   * counts in millions to three decimals as the table gives them). D6/D7 use weighted fusion, which
   * the table's counts (computed the same way) include.
   */
  @ParameterizedTest(name = "D{0}")
  @CsvSource({
    "1, crop640, 6.618",
    "2, crop768, 8.087",
    "3, crop896, 12.018",
    "4, crop1024, 20.703",
    "5, crop1280, 33.627",
    "6, crop1280, 51.837",
    "7, crop1536, 51.837"
  })
  void parameterCountsFollowTheScalingTable(int d, String crop, double millions) {
    ResolvedConfig cfg =
        new ConfigLoader()
            .load(
                Path.of(
                    System.getProperty("detkit.root", ".."),
                    "configs/efficientdet/efficientdet_effb"
                        + d
                        + "_bifpn_8xb16-"
                        + crop
                        + "-300e_coco.yaml"));
    Registry r = TestRuntime.registry();
    Backend b = TestRuntime.backend("djl");
    try (SingleStageDetector net =
        (SingleStageDetector)
            r.build(
                ComponentKind.DETECTOR,
                cfg.map("model"),
                "model",
                Detector.class,
                new BuildContext(r, b))) {
      assertEquals(millions, Math.round(net.parameterCount() / 1e3) / 1e3, "D" + d + " parameters");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"djl, 1e-4", "nd4j, 1e-4"})
  void d0MatchesMmdetection(String backend, double tol) {
    Backend b = TestRuntime.backend(backend);
    try (SingleStageDetector net = build(b);
        TensorScope scope = TensorScope.open()) {
      net.eval();
      Map<String, TensorData> sd =
          Checkpoints.load(Fixtures.dir(FIXTURE).resolve("weights.safetensors"));
      assertTrue(net.loadStateDict(sd, b, true, "weights.safetensors").isClean());
      assertEquals(784, net.stateDict().size());
      assertEquals(3_874_217, net.parameterCount(), "mmdet's D0 with 80 classes");
      Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
      Tensor inputs = io.get("inputs").toTensor(b);
      List<Tensor> c = net.backbone().forward(inputs);
      double worst = 0;
      for (int i = 0; i < 3; i++) {
        worst =
            Math.max(
                worst,
                Fixtures.assertClose(c.get(i), io.get("backbone." + i), tol, "backbone." + i)
                    .maxRel());
      }
      List<Tensor> feats = net.neck().forward(c);
      for (int l = 0; l < 5; l++) {
        worst =
            Math.max(
                worst,
                Fixtures.assertClose(feats.get(l), io.get("neck." + l), tol, "neck." + l).maxRel());
      }
      HeadOutputs out = net.head().forward(feats);
      for (int l = 0; l < 5; l++) {
        worst =
            Math.max(
                worst,
                Fixtures.assertClose(
                        out.clsScores().get(l), io.get("cls_scores." + l), tol, "cls." + l)
                    .maxRel());
        worst =
            Math.max(
                worst,
                Fixtures.assertClose(
                        out.bboxPreds().get(l), io.get("bbox_preds." + l), tol, "reg." + l)
                    .maxRel());
        float[] anchors =
            net.head()
                .priorGenerator()
                .gridPriors(l, out.clsScores().get(l).dim(2), out.clsScores().get(l).dim(3));
        assertArrayEquals(io.get("anchors." + l).toFloats(), anchors, "anchors." + l + " exact");
      }
      Detections det = net.head().predictByFeat(out, List.of(META)).get(0);
      assertArrayEquals(
          Arrays.stream(io.get("det.labels").toLongs()).mapToInt(v -> (int) v).toArray(),
          det.labels(),
          "the same 100 labels in order");
      float[] eb = io.get("det.bboxes").toFloats();
      float[] es = io.get("det.scores").toFloats();
      double maxBox = 0;
      double maxScore = 0;
      for (int i = 0; i < eb.length; i++) {
        maxBox = Math.max(maxBox, Math.abs(eb[i] - det.boxes()[i]));
      }
      for (int i = 0; i < es.length; i++) {
        maxScore = Math.max(maxScore, Math.abs(es[i] - det.scores()[i]));
      }
      System.out.printf(
          "EfficientDet-D0 %s: features and head max rel %.2e; %d detections, max box diff %.2e px,"
              + " max score diff %.2e%n",
          backend, worst, det.size(), maxBox, maxScore);
      assertTrue(maxBox <= 0.1, "box diff " + maxBox);
      assertTrue(maxScore <= 2e-4, "score diff " + maxScore);
      // Post-processing alone, fed mmdet's own head outputs: top-k, decode, rescale, soft-NMS.
      List<Tensor> cls = new java.util.ArrayList<>();
      List<Tensor> reg = new java.util.ArrayList<>();
      for (int l = 0; l < 5; l++) {
        cls.add(io.get("cls_scores." + l).toTensor(b));
        reg.add(io.get("bbox_preds." + l).toTensor(b));
      }
      Detections stored = net.head().predictByFeat(HeadOutputs.of(cls, reg), List.of(META)).get(0);
      assertArrayEquals(
          det.labels().length == 0
              ? new int[0]
              : Arrays.stream(io.get("det.labels").toLongs()).mapToInt(v -> (int) v).toArray(),
          stored.labels());
      double postBox = 0;
      double postScore = 0;
      for (int i = 0; i < eb.length; i++) {
        postBox = Math.max(postBox, Math.abs(eb[i] - stored.boxes()[i]));
      }
      for (int i = 0; i < es.length; i++) {
        postScore = Math.max(postScore, Math.abs(es[i] - stored.scores()[i]));
      }
      System.out.printf(
          "EfficientDet-D0 %s post-processing of stored outputs: max box diff %.2e px, max score"
              + " diff %.2e%n",
          backend, postBox, postScore);
      assertTrue(postBox <= 1e-3 && postScore <= 1e-6, postBox + " " + postScore);
    }
  }
}
