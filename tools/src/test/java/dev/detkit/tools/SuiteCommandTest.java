package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparative suite on a tiny grid: fresh JVM per cell, outputs, resume, bad suite files. */
class SuiteCommandTest {
  @TempDir Path dir;

  private Path suite(String body) throws IOException {
    Path f = dir.resolve("suite.yaml");
    Files.writeString(f, body);
    return f;
  }

  @Test
  void runsEveryCellWritesTablesAndPlotsAndResumes() throws IOException {
    Path config = Path.of(InferCommandTest.FIXTURE_CONFIG).toAbsolutePath();
    Path file =
        suite(
            "name: tiny\nconfigs: ['"
                + config
                + "']\nbackends: [djl, nd4j]\nshapes: [[64, 96]]\nnum_images: 2\nwarmup: 1\n");
    Path out = dir.resolve("out");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("suite", file.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("2 cell(s): 2 measured, 0 from earlier runs, 0 failed"), r.err());

    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(3, csv.size(), String.join("\n", csv));
    String[] djl = csv.get(1).split(",");
    String[] nd4j = csv.get(2).split(",");
    assertEquals("EfficientNet-B0", djl[1]);
    assertEquals(List.of("djl", "nd4j"), List.of(djl[2], nd4j[2]));
    assertEquals(djl[5], nd4j[5], "same parameter count on both backends");
    assertEquals(djl[6], nd4j[6], "same FLOPs on both backends");
    for (String[] row : List.of(djl, nd4j)) {
      assertTrue(Double.parseDouble(row[6]) > 0 && Double.parseDouble(row[7]) > 0, csv.toString());
      // fps and the mean end-to-end latency describe the same runs.
      double fps = Double.parseDouble(row[7]);
      double e2e = Double.parseDouble(row[8]);
      assertTrue(fps <= 1000 / (e2e * 0.5), csv.toString());
    }
    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("| Backbone | Backend | Input | Mem (GB) | Inf time (fps) |"), md);
    assertTrue(md.contains("| EfficientNet-B0 | nd4j | 64x96 |"), md);
    for (String png : List.of("fps_vs_flops.png", "memory_by_arch.png")) {
      BufferedImage img = ImageIO.read(out.resolve(png).toFile());
      assertEquals(900, img.getWidth(), png);
    }

    // Resume: finished cells are reused untouched; a damaged one is measured again.
    Path cells = out.resolve("cells");
    Path kept = cells.resolve("retinanet_effb0_small__djl__64x96.json");
    Path damaged = cells.resolve("retinanet_effb0_small__nd4j__64x96.json");
    FileTime before = Files.getLastModifiedTime(kept);
    Files.writeString(damaged, "{\"fps\": ");
    r = ConfigCommandsTest.run("suite", file.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("2 cell(s): 1 measured, 1 from earlier runs, 0 failed"), r.err());
    assertEquals(before, Files.getLastModifiedTime(kept));
    assertEquals(3, Files.readAllLines(out.resolve("results.csv")).size());
  }

  /** With a checkpoint and a dataset, each cell also runs ./detkit test and reports box AP. */
  @Test
  void boxApColumnComesFromTheTestCommand() throws IOException {
    Path ann = TestCommandTest.makeDataset(dir, false);
    Path config = Path.of(InferCommandTest.FIXTURE_CONFIG).toAbsolutePath();
    Path weights = Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors");
    Path file =
        suite(
            "name: ap\nconfigs: ['"
                + config
                + "']\nbackends: [djl]\nshapes: [[64, 96]]\nnum_images: 1\nwarmup: 0\n"
                + "checkpoints: {retinanet_effb0_small: '"
                + weights
                + "'}\ntest_cfg_options: ['test_dataloader.dataset.data_root="
                + dir
                + "', 'test_dataloader.dataset.ann_file=ann.json', 'test_dataloader.dataset.data_prefix.img=images/',"
                + " 'test_evaluator.ann_file="
                + ann
                + "']\n");
    Path out = dir.resolve("out");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("suite", file.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertTrue(csv.get(0).endsWith(",bbox_mAP"), csv.get(0));
    String[] row = csv.get(1).split(",");
    double ap = Double.parseDouble(row[row.length - 1]);
    ConfigCommandsTest.Run test =
        ConfigCommandsTest.run(
            "test",
            config.toString(),
            "--checkpoint",
            weights.toString(),
            "--out",
            dir.resolve("direct.json").toString(),
            "--cfg-options",
            "test_dataloader.dataset.data_root=" + dir,
            "test_dataloader.dataset.ann_file=ann.json",
            "test_dataloader.dataset.data_prefix.img=images/",
            "test_evaluator.ann_file=" + ann);
    assertEquals(0, test.code(), test.err());
    assertTrue(
        test.out()
            .contains("bbox_mAP_copypaste: " + String.format(java.util.Locale.ROOT, "%.3f", ap)),
        "suite AP " + ap + " vs test output " + test.out());
    assertTrue(Files.readString(out.resolve("results.md")).contains(" | box AP | "));
  }

  @Test
  void missingConfigIsAUsageErrorNamingTheSuiteFile() throws IOException {
    Path file = suite("configs: [nowhere.yaml]\nshapes: [[64, 64]]\n");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("suite", file.toString(), "--out", dir.resolve("o").toString());
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains("suite.yaml") && r.err().contains("nowhere.yaml"), r.err());
  }

  @Test
  void badShapeIsAUsageErrorNamingTheKey() throws IOException {
    Path file = suite("configs: [a.yaml]\nshapes: [64]\n");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("suite", file.toString(), "--out", dir.resolve("o").toString());
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains("suite.yaml") && r.err().contains("shapes"), r.err());
  }
}
