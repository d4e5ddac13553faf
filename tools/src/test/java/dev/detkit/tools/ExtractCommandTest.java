package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.TestRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./detkit extract} on the fixture model, and its input errors. */
class ExtractCommandTest {
  static final String CONFIG = "src/test/resources/configs/retinanet_effb0_small.yaml";

  @TempDir Path dir;

  @Test
  void extractReproducesMmdetectionsBackboneFeatures() {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    for (String backend : new String[] {"djl", "nd4j"}) {
      Path out = dir.resolve(backend + ".safetensors");
      ConfigCommandsTest.Run r =
          ConfigCommandsTest.run(
              "extract",
              CONFIG,
              "--checkpoint",
              fx.resolve("weights.pth").toString(),
              "--input",
              fx.resolve("io.safetensors").toString(),
              "--backend",
              backend,
              "--out",
              out.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("backbone forward"), r.out());
      Map<String, TensorData> got = Safetensors.read(out);
      Map<String, TensorData> expected =
          Fixtures.tensors("retinanet_effb0_small", "io.safetensors");
      try (TensorScope scope = TensorScope.open()) {
        for (int i = 0; i < 3; i++) {
          Tensor t = got.get("backbone." + i).toTensor(TestRuntime.backend("djl"));
          Fixtures.assertClose(t, expected.get("backbone." + i), 1e-5, backend + " backbone." + i);
        }
      }
    }
  }

  @Test
  void neckStageFromAnImageThroughTheTestPipeline() {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path out = dir.resolve("neck.safetensors");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "extract",
            CONFIG,
            "--checkpoint",
            fx.resolve("weights.safetensors").toString(),
            "--input",
            fx.resolve("image.png").toString(),
            "--stage",
            "neck",
            "--out",
            out.toString(),
            "--cfg-options",
            "test_dataloader.dataset.pipeline.1.scale=[320,320]");
    assertEquals(0, r.code(), r.err());
    Map<String, TensorData> got = Safetensors.read(out);
    Map<String, TensorData> expected = Fixtures.tensors("retinanet_effb0_small", "io.safetensors");
    assertEquals(5, got.size());
    try (TensorScope scope = TensorScope.open()) {
      for (int i = 0; i < 5; i++) {
        Fixtures.assertClose(
            got.get("neck." + i).toTensor(TestRuntime.backend("djl")),
            expected.get("neck." + i),
            1e-5,
            "neck." + i);
      }
    }
  }

  @Test
  void inputAndCheckpointErrorsExitTwoNamingTheFile() throws IOException {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path out = dir.resolve("o.safetensors");
    ConfigCommandsTest.Run noInputs =
        ConfigCommandsTest.run(
            "extract",
            CONFIG,
            "--input",
            fx.resolve("odd.safetensors").toString(),
            "--out",
            out.toString());
    assertEquals(DetkitCli.USAGE_ERROR, noInputs.code());
    assertTrue(
        noInputs.err().contains("odd.safetensors: no tensor named 'inputs'"), noInputs.err());
    Path junk = dir.resolve("junk.pth");
    Files.writeString(junk, "not a checkpoint");
    ConfigCommandsTest.Run bad =
        ConfigCommandsTest.run(
            "extract",
            CONFIG,
            "--checkpoint",
            junk.toString(),
            "--input",
            fx.resolve("io.safetensors").toString(),
            "--out",
            out.toString());
    assertEquals(DetkitCli.USAGE_ERROR, bad.code());
    assertTrue(bad.err().contains("junk.pth: not a checkpoint"), bad.err());
    ConfigCommandsTest.Run strict =
        ConfigCommandsTest.run(
            "extract",
            CONFIG,
            "--cfg-options",
            "model.backbone.arch=b1",
            "--checkpoint",
            fx.resolve("weights.safetensors").toString(),
            "--input",
            fx.resolve("io.safetensors").toString(),
            "--out",
            out.toString());
    assertEquals(DetkitCli.USAGE_ERROR, strict.code());
    assertTrue(strict.err().contains("weights.safetensors: strict load failed"), strict.err());
  }
}
