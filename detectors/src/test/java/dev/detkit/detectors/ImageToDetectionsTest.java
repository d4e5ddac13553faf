package dev.detkit.detectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.data.Pipeline;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * From the PNG file to detections, as mmdet's predict does: pipeline, preprocessor, network,
 * post-processing.
 */
class ImageToDetectionsTest {
  @Test
  void pngToDetectionsMatchesMmdetection() {
    Backend b = TestRuntime.backend("djl");
    Path d = Fixtures.dir("retinanet_effb0_small");
    Map<String, TensorData> io = Fixtures.tensors("retinanet_effb0_small", "io.safetensors");
    CfgNode pipeline =
        Yaml.parseValue(
            "[{type: LoadImageFromFile}, {type: Resize, scale: [320, 320], keep_ratio: true}, {type: PackDetInputs}]",
            new Origin("meta.json pipeline.test", 0));
    DetSample sample =
        Pipeline.build(pipeline, "pipeline", new BuildContext(TestRuntime.registry(), b))
            .load(d.resolve("image.png").toString(), 0);
    try (SingleStageDetector net = RetinaNetParityTest.build(b);
        TensorScope scope = TensorScope.open()) {
      net.loadStateDict(
          Checkpoints.load(d.resolve("weights.safetensors")), b, true, "weights.safetensors");
      DetDataPreprocessor.Batch batch = net.preprocessor().apply(List.of(sample), b);
      assertArrayEquals(
          io.get("inputs").toFloats(),
          batch.inputs().toFloatArray(),
          "preprocessed inputs are bit-exact");
      assertArrayEquals(new int[] {224, 320}, batch.metas().get(0).padShape());
      Detections det = net.predict(List.of(sample)).get(0);
      assertArrayEquals(
          Arrays.stream(io.get("det.labels").toLongs()).mapToInt(v -> (int) v).toArray(),
          det.labels());
      float[] eb = io.get("det.bboxes").toFloats();
      float[] es = io.get("det.scores").toFloats();
      assertEquals(es.length, det.size());
      for (int i = 0; i < eb.length; i++) {
        assertTrue(Math.abs(eb[i] - det.boxes()[i]) <= 1e-3, "box " + i);
      }
      for (int i = 0; i < es.length; i++) {
        assertTrue(Math.abs(es[i] - det.scores()[i]) <= 1e-5, "score " + i);
      }
    }
  }
}
