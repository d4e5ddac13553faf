package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./detkit test} on a small COCO-format set made here: its numbers equal {@code eval} on its
 * results.
 */
class TestCommandTest {
  @TempDir Path dir;

  /** Two fixture images with COCO annotations (and all 80 categories) under {@code dir}. */
  static Path makeDataset(Path dir, boolean withMissingImage) throws IOException {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path imgs = dir.resolve("images");
    Files.createDirectories(imgs);
    Files.copy(fx.resolve("image.png"), imgs.resolve("a.png"));
    Files.copy(fx.resolve("image.jpg"), imgs.resolve("b.jpg"));
    String images =
        "{\"id\": 3, \"file_name\": \"a.png\", \"width\": 451, \"height\": 300},"
            + "{\"id\": 1, \"file_name\": \"b.jpg\", \"width\": 451, \"height\": 300}"
            + (withMissingImage
                ? ",{\"id\": 9, \"file_name\": \"missing.jpg\", \"width\": 10, \"height\": 10}"
                : "");
    String anns =
        "{\"id\": 1, \"image_id\": 3, \"category_id\": 16, \"bbox\": [100, 40, 250, 250], \"area\": 62500, \"iscrowd\": 0},"
            + "{\"id\": 2, \"image_id\": 1, \"category_id\": 16, \"bbox\": [90, 30, 260, 260], \"area\": 67600, \"iscrowd\": 0},"
            + "{\"id\": 3, \"image_id\": 1, \"category_id\": 1, \"bbox\": [10, 10, 50, 80], \"area\": 4000, \"iscrowd\": 0},"
            + "{\"id\": 4, \"image_id\": 1, \"category_id\": 1, \"bbox\": [5, 5, 0.5, 9], \"area\": 4.5, \"iscrowd\": 0}";
    // All 80 COCO classes with ids 1..80 (the model predicts 80 labels); "cat" is id 16.
    StringBuilder cats = new StringBuilder();
    for (int i = 0; i < dev.detkit.data.CocoClasses.NAMES.size(); i++) {
      cats.append(i == 0 ? "" : ",")
          .append("{\"id\": ")
          .append(i + 1)
          .append(", \"name\": \"")
          .append(dev.detkit.data.CocoClasses.NAMES.get(i))
          .append("\"}");
    }
    Path ann = dir.resolve("ann.json");
    Files.writeString(
        ann,
        "{\"images\": ["
            + images
            + "], \"annotations\": ["
            + anns
            + "], \"categories\": ["
            + cats
            + "]}");
    return ann;
  }

  /** {@code benchmark --dataset} times the test dataset's images in order, cycling. */
  @Test
  void benchmarkOverTheTestDataset() throws IOException {
    makeDataset(dir, false);
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "benchmark",
            InferCommandTest.FIXTURE_CONFIG,
            "--dataset",
            "--num-images",
            "3",
            "--warmup",
            "0",
            "--format",
            "json",
            "--cfg-options",
            "test_dataloader.dataset.data_root=" + dir,
            "test_dataloader.dataset.ann_file=ann.json",
            "test_dataloader.dataset.data_prefix.img=images/",
            "test_dataloader.dataset.pipeline.1.scale=[320,320]");
    assertEquals(0, r.code(), r.err());
    JsonNode protocol = Json.parse(r.out()).get("protocol");
    assertEquals(3, protocol.get("timed_images").asInt());
    String input = protocol.get("input").asText();
    assertTrue(input.startsWith("test dataset ") && input.contains("(2 images, in order)"), input);

    ConfigCommandsTest.Run both =
        ConfigCommandsTest.run(
            "benchmark", InferCommandTest.FIXTURE_CONFIG, "--dataset", "--shape", "64", "64");
    assertEquals(DetkitCli.USAGE_ERROR, both.code(), both.err());
    assertTrue(both.err().contains("exclude each other"), both.err());
  }

  private ConfigCommandsTest.Run runTest(Path ann, Path results) {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    return ConfigCommandsTest.run(
        "test",
        InferCommandTest.FIXTURE_CONFIG,
        "--checkpoint",
        fx.resolve("weights.pth").toString(),
        "--out",
        results.toString(),
        "--cfg-options",
        "test_dataloader.dataset.data_root=" + dir,
        "test_dataloader.dataset.ann_file=ann.json",
        "test_dataloader.dataset.data_prefix.img=images/",
        "test_evaluator.ann_file=" + ann,
        "test_dataloader.dataset.pipeline.1.scale=[320,320]",
        "test_dataloader.num_workers=2");
  }

  @Test
  void testEqualsEvalOnTheResultsItWrote() throws IOException {
    Path ann = makeDataset(dir, false);
    Path results = dir.resolve("results.json");
    ConfigCommandsTest.Run t = runTest(ann, results);
    assertEquals(0, t.code(), t.err());
    assertTrue(t.err().contains("test ") && t.err().contains("it/s"), "progress: " + t.err());
    assertTrue(t.out().contains("bbox_mAP_copypaste"), t.out());
    JsonNode dets = Json.parse(Files.readString(results));
    assertEquals(200, dets.size(), "100 detections per image");
    assertTrue(dets.get(0).has("category_id"));
    ConfigCommandsTest.Run e =
        ConfigCommandsTest.run(
            "eval",
            "--ann",
            ann.toString(),
            "--results",
            results.toString(),
            "--max-dets",
            "100,300,1000");
    assertEquals(0, e.code(), e.err());
    String summaryTest = t.out().substring(0, t.out().indexOf("bbox_mAP_copypaste"));
    String summaryEval = e.out().substring(0, e.out().indexOf("bbox_mAP_copypaste"));
    assertEquals(summaryEval, summaryTest);
  }

  @Test
  void missingImageIsReportedAndTheOthersEvaluated() throws IOException {
    Path ann = makeDataset(dir, true);
    ConfigCommandsTest.Run t = runTest(ann, dir.resolve("r.json"));
    assertEquals(DetkitCli.USAGE_ERROR, t.code());
    assertTrue(t.err().contains("missing.jpg: image file not found"), t.err());
    assertTrue(t.out().contains("bbox_mAP_copypaste"), t.out());
  }

  @Test
  void malformedAnnotationsNameFileAndEntry() throws IOException {
    Path ann = dir.resolve("ann.json");
    Files.writeString(
        ann,
        "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\", \"width\": 4, \"height\": 4}], \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 2, 2]}, {\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 2, 2]}], \"categories\": [{\"id\": 1, \"name\": \"person\"}]}");
    ConfigCommandsTest.Run t = runTest(ann, dir.resolve("r.json"));
    assertEquals(DetkitCli.USAGE_ERROR, t.code());
    assertTrue(t.err().contains("annotations[1]: duplicate annotation id 1"), t.err());
  }
}
