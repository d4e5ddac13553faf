package dev.detkit.detectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.runtime.RuntimeOptions;
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
 * The whole fixture RetinaNet (EfficientNet-b0, FPN, RetinaSepBNHead) built from YAML, loaded
 * strictly from mmdet's checkpoint (tied head convs included), against mmdetection's own neck, head
 * and detection outputs, at 224x320 and at odd sizes with batch 2.
 */
class RetinaNetParityTest {
  static final String FIXTURE = "retinanet_effb0_small";

  /** The fixture image's meta (meta.json image_meta): chelsea.png resized to 213x320, padded. */
  static final ImageMeta IMAGE_META =
      new ImageMeta(
          "image.png",
          0,
          new int[] {300, 451},
          new int[] {213, 320},
          new double[] {0.7095343680709535, 0.71},
          new int[] {224, 320},
          new int[] {224, 320});

  static SingleStageDetector build(Backend b) {
    return build(b, RuntimeOptions.defaults());
  }

  /** The fixture's detector with {@code options} (layout, batch-norm folding). */
  static SingleStageDetector build(Backend b, RuntimeOptions options) {
    ResolvedConfig cfg =
        new ConfigLoader().load(Path.of("src/test/resources/retinanet_effb0_small.yaml"));
    Registry r = TestRuntime.registry();
    return (SingleStageDetector)
        r.build(
            ComponentKind.DETECTOR,
            cfg.map("model"),
            "model",
            Detector.class,
            new BuildContext(r, b, options));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"djl,weights.safetensors", "djl,weights.pth", "nd4j,weights.pth"})
  void detectorMatchesMmdetection(String backend, String weights) {
    Backend b = TestRuntime.backend(backend);
    Path dir = Fixtures.dir(FIXTURE);
    double tol = 1e-5;
    try (SingleStageDetector net = build(b);
        TensorScope scope = TensorScope.open()) {
      Map<String, TensorData> sd = Checkpoints.load(dir.resolve(weights));
      LoadReport report = net.loadStateDict(sd, b, true, weights);
      assertTrue(report.isClean(), report.toString());
      assertEquals(632, net.stateDict().size());
      assertEquals(4_694_448, net.parameterCount(), "unique parameters (fixture meta)");
      Map<String, TensorData> io = Fixtures.tensors(FIXTURE, "io.safetensors");
      List<Tensor> feats = net.extractFeat(io.get("inputs").toTensor(b));
      for (int i = 0; i < 5; i++) {
        Fixtures.assertClose(feats.get(i), io.get("neck." + i), tol, backend + " neck." + i);
      }
      HeadOutputs out = net.head().forward(feats);
      for (int i = 0; i < 5; i++) {
        Fixtures.assertClose(
            out.clsScores().get(i), io.get("cls_scores." + i), tol, backend + " cls_scores." + i);
        Fixtures.assertClose(
            out.bboxPreds().get(i), io.get("bbox_preds." + i), tol, backend + " bbox_preds." + i);
      }
      ImageMeta meta = IMAGE_META;
      Detections det = net.head().predictByFeat(out, List.of(meta)).get(0);
      assertArrayEquals(
          Arrays.stream(io.get("det.labels").toLongs()).mapToInt(v -> (int) v).toArray(),
          det.labels(),
          "labels");
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
          "parity %s %s detections: %d, max box diff %.2e px, max score diff %.2e%n",
          backend, weights, det.size(), maxBox, maxScore);
      assertTrue(maxBox <= 1e-3, "box diff " + maxBox);
      assertTrue(maxScore <= 1e-5, "score diff " + maxScore);
      Map<String, TensorData> odd = Fixtures.tensors(FIXTURE, "odd.safetensors");
      for (int j = 0; j < 2; j++) {
        List<Tensor> f = net.extractFeat(odd.get("odd_inputs." + j).toTensor(b));
        HeadOutputs o = net.head().forward(f);
        for (int i = 0; i < 5; i++) {
          String k = "odd." + j + ".";
          Fixtures.assertClose(
              f.get(i), odd.get(k + "neck." + i), tol, backend + " " + k + "neck." + i);
          Fixtures.assertClose(
              o.clsScores().get(i),
              odd.get(k + "cls_scores." + i),
              tol,
              backend + " " + k + "cls_scores." + i);
          Fixtures.assertClose(
              o.bboxPreds().get(i),
              odd.get(k + "bbox_preds." + i),
              tol,
              backend + " " + k + "bbox_preds." + i);
        }
      }
    }
  }
}
