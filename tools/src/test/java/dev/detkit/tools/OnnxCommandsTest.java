package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.util.Json;
import dev.detkit.export.OnnxGraph;
import dev.detkit.export.OnnxWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./detkit export}, {@code infer --model} and {@code --backend onnxruntime}: the fixture
 * model exported and run in ONNX Runtime gives mmdetection's detections; a corrupt or foreign
 * {@code .onnx} is one line and exit 2.
 */
class OnnxCommandsTest {
  static final String SMALL = InferCommandTest.SMALL;

  @TempDir Path dir;

  private static void assertFixtureDetections(Path out) throws IOException {
    JsonNode records = Json.parse(Files.readString(out));
    JsonNode o = records.get(0);
    JsonNode dets = o.get("detections");
    assertEquals(100, dets.size());
    var io = Fixtures.tensors("retinanet_effb0_small", "io.safetensors");
    long[] labels = io.get("det.labels").toLongs();
    float[] boxes = io.get("det.bboxes").toFloats();
    for (int i = 0; i < 100; i++) {
      JsonNode d = dets.get(i);
      assertEquals(labels[i], d.get("label").asLong(), "label " + i);
      for (int c = 0; c < 4; c++) {
        assertEquals(boxes[4 * i + c], d.get("bbox").get(c).asDouble(), 1e-3);
      }
    }
  }

  @Test
  void exportedFixtureRunsWithItsOwnMetadataAndThroughTheBackendOption() throws IOException {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path model = dir.resolve("fixture.onnx");
    ConfigCommandsTest.Run e =
        ConfigCommandsTest.run(
            "export",
            InferCommandTest.FIXTURE_CONFIG,
            "--checkpoint",
            fx.resolve("weights.safetensors").toString(),
            "--shape",
            "224",
            "320",
            "--out",
            model.toString(),
            "--cfg-options",
            SMALL);
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("wrote " + model), e.out());

    Path out = dir.resolve("det.json");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "infer",
            "--model",
            model.toString(),
            "--image",
            fx.resolve("image.png").toString(),
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertFixtureDetections(out);

    System.setProperty("detkit.cache", dir.resolve("cache").toString());
    try {
      Path out2 = dir.resolve("det2.json");
      ConfigCommandsTest.Run b =
          ConfigCommandsTest.run(
              "infer",
              InferCommandTest.FIXTURE_CONFIG,
              "--checkpoint",
              fx.resolve("weights.pth").toString(),
              "--backend",
              "onnxruntime",
              "--image",
              fx.resolve("image.png").toString(),
              "--out",
              out2.toString(),
              "--cfg-options",
              SMALL);
      assertEquals(0, b.code(), b.err());
      assertTrue(b.err().contains("exporting the network"), b.err());
      assertFixtureDetections(out2);
    } finally {
      System.clearProperty("detkit.cache");
    }
  }

  @Test
  void corruptOrForeignModelIsOneLine() throws IOException {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path corrupt = dir.resolve("corrupt.onnx");
    Files.write(corrupt, new byte[] {8, 7, 0x12, 1, 2, 3, 4, 5});
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "infer", "--model", corrupt.toString(), "--image", fx.resolve("image.png").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("error: " + corrupt), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());

    // A valid ONNX model that detkit did not write: an identity graph without detkit's metadata.
    Path foreign = dir.resolve("foreign.onnx");
    OnnxGraph g = new OnnxGraph();
    g.input(new OnnxGraph.ValueInfo("x", DType.FLOAT32, new long[] {1, 3}, null));
    g.addNamed("Identity", List.of("x"), "y", null);
    g.output(new OnnxGraph.ValueInfo("y", DType.FLOAT32, new long[] {1, 3}, null));
    try (OutputStream os = Files.newOutputStream(foreign)) {
      OnnxWriter.write(g, 17, "test", Map.of(), os);
    }
    ConfigCommandsTest.Run f =
        ConfigCommandsTest.run(
            "infer", "--model", foreign.toString(), "--image", fx.resolve("image.png").toString());
    assertEquals(2, f.code(), f.err());
    assertTrue(f.err().contains("not a detkit export"), f.err());
  }
}
