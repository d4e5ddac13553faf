package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code ./detkit infer}: fixture parity through the CLI, bad images, and every shipped config. */
class InferCommandTest {
  static final String FIXTURE_CONFIG = "src/test/resources/configs/retinanet_effb0_small.yaml";
  static final String SMALL = "test_dataloader.dataset.pipeline.1.scale=[320,320]";

  @TempDir Path dir;

  @Test
  void fixtureCheckpointAndImageGiveMmdetectionsDetections() throws IOException {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path out = dir.resolve("det.json");
    Path show = dir.resolve("show");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "infer",
            FIXTURE_CONFIG,
            "--checkpoint",
            fx.resolve("weights.pth").toString(),
            "--image",
            fx.resolve("image.png").toString(),
            "--out",
            out.toString(),
            "--show-dir",
            show.toString(),
            "--cfg-options",
            SMALL);
    assertEquals(0, r.code(), r.err());
    JsonNode records = Json.parse(Files.readString(out));
    assertEquals(1, records.size(), "one shape always: a list, also for one image");
    JsonNode o = records.get(0);
    assertEquals("[300,451]", o.get("ori_shape").toString());
    assertEquals("[213,320]", o.get("img_shape").toString());
    JsonNode dets = o.get("detections");
    assertEquals(100, dets.size());
    var io = Fixtures.tensors("retinanet_effb0_small", "io.safetensors");
    long[] labels = io.get("det.labels").toLongs();
    float[] boxes = io.get("det.bboxes").toFloats();
    for (int i = 0; i < 100; i++) {
      JsonNode d = dets.get(i);
      assertEquals(labels[i], d.get("label").asLong());
      for (int c = 0; c < 4; c++) {
        assertEquals(boxes[4 * i + c], d.get("bbox").get(c).asDouble(), 1e-3);
      }
    }
    assertEquals("cake", dets.get(0).get("class").asText());
    assertTrue(Files.size(show.resolve("image.png")) > 1000, "PNG with detections drawn");
  }

  @Test
  void badImagesAreReportedAndTheGoodOnesKept() throws IOException {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path folder = dir.resolve("images");
    Files.createDirectories(folder);
    Files.copy(fx.resolve("image.jpg"), folder.resolve("a_good.jpg"));
    Files.copy(fx.resolve("image.png"), folder.resolve("a_good.png"));
    Files.writeString(folder.resolve("b_notes.txt"), "not an image, and not taken for one");
    Files.createFile(folder.resolve("c_empty.png"));
    byte[] png = Files.readAllBytes(fx.resolve("image.png"));
    Files.write(folder.resolve("d_corrupt.png"), java.util.Arrays.copyOf(png, 100));
    try (var f = new java.io.RandomAccessFile(folder.resolve("e_huge.jpg").toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: 3 GB by name, nothing on disk
    }
    Path out = dir.resolve("det.json");
    Path show = dir.resolve("show");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "infer",
            FIXTURE_CONFIG,
            "--image",
            folder.toString(),
            "--out",
            out.toString(),
            "--show-dir",
            show.toString(),
            "--cfg-options",
            SMALL);
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains("c_empty.png: empty file (0 bytes)"), r.err());
    assertTrue(r.err().contains("d_corrupt.png: not a decodable image"), r.err());
    assertTrue(r.err().contains("e_huge.jpg: 3221225472 bytes"), r.err());
    assertTrue(r.err().contains("3 of 5 images failed"), r.err());
    assertTrue(!r.err().contains("\tat ") && !r.err().contains("b_notes"), r.err());
    JsonNode all = Json.parse(Files.readString(out));
    assertEquals(2, all.size());
    assertTrue(all.get(0).get("image").asText().endsWith("a_good.jpg"));
    // Same stem, other extension: both drawings kept under their own names.
    assertTrue(Files.size(show.resolve("a_good.jpg")) > 1000);
    assertTrue(Files.size(show.resolve("a_good.png")) > 1000);
    ConfigCommandsTest.Run missing =
        ConfigCommandsTest.run(
            "infer",
            FIXTURE_CONFIG,
            "--image",
            dir.resolve("nope.jpg").toString(),
            "--cfg-options",
            SMALL);
    assertEquals(DetkitCli.USAGE_ERROR, missing.code());
    assertTrue(missing.err().contains("nope.jpg: file not found"), missing.err());
  }

  static Stream<Path> shippedConfigs() throws IOException {
    Path root = Path.of(System.getProperty("detkit.root", "..")).resolve("configs/efficientnet");
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  /**
   * Every EfficientNet config builds (channels from the backbone) and runs infer with random
   * weights.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("shippedConfigs")
  void everyArchConfigRunsInfer(Path config) throws IOException {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path out = dir.resolve("o.json");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "infer",
            config.toString(),
            "--image",
            fx.resolve("image.jpg").toString(),
            "--out",
            out.toString(),
            "--cfg-options",
            "test_dataloader.dataset.pipeline.1.scale=[128,128]",
            "model.backbone.init_cfg=None");
    assertEquals(0, r.code(), r.err());
    JsonNode o = Json.parse(Files.readString(out)).get(0);
    assertEquals("[85,128]", o.get("img_shape").toString());
    assertTrue(o.get("detections").size() <= 100);
  }
}
