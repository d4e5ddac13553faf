package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
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

  /** Two shards, each its own run, then --report-only: the same table as one unsharded run. */
  @Test
  void twoShardsAndAReportEqualOneRun() throws IOException {
    Path config = Path.of(InferCommandTest.FIXTURE_CONFIG).toAbsolutePath();
    Path file =
        suite(
            "name: tiny\nconfigs: ['"
                + config
                + "']\nbackends: [djl, nd4j]\nshapes: [[64, 96]]\nnum_images: 1\nwarmup: 0\n");
    Path out = dir.resolve("out");
    for (String shard : List.of("1/2", "2/2")) {
      ConfigCommandsTest.Run r =
          ConfigCommandsTest.run(
              "suite", file.toString(), "--out", out.toString(), "--shard", shard);
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("1 cell(s): 1 measured") && r.err().contains("--report-only"));
      assertFalse(Files.exists(out.resolve("results.csv")), "a shard writes no report");
    }
    ConfigCommandsTest.Run report =
        ConfigCommandsTest.run("suite", "--report-only", out.toString());
    assertEquals(0, report.code(), report.err());
    List<String> merged = cellColumns(out.resolve("results.csv"));
    assertEquals(
        List.of(
            "retinanet_effb0_small.yaml,EfficientNet-B0,djl,64,96",
            "retinanet_effb0_small.yaml,EfficientNet-B0,nd4j,64,96"),
        merged);
    // The unsharded run finds both cells published and reports the same cells, in the same order.
    ConfigCommandsTest.Run whole =
        ConfigCommandsTest.run("suite", file.toString(), "--out", out.toString());
    assertEquals(0, whole.code(), whole.err());
    assertTrue(whole.err().contains("2 cell(s): 0 measured, 2 from earlier runs"), whole.err());
    assertEquals(merged, cellColumns(out.resolve("results.csv")));
  }

  private static List<String> cellColumns(Path csv) throws IOException {
    return Files.readAllLines(csv).stream()
        .skip(1)
        .map(l -> String.join(",", List.of(l.split(",")).subList(0, 5)))
        .toList();
  }

  /** 3 configs x 2 sizes x 2 backends; --list measures nothing, so the configs need not parse. */
  private Path grid12() throws IOException {
    StringBuilder configs = new StringBuilder();
    for (String n : List.of("a", "b", "c")) {
      Files.writeString(dir.resolve(n + ".yaml"), "model: {}\n");
      configs.append(configs.length() == 0 ? "" : ", ").append(n).append(".yaml");
    }
    return suite(
        "name: grid\nconfigs: ["
            + configs
            + "]\nbackends: [djl, nd4j]\nshapes: [[64, 64], [128, 96]]\n");
  }

  private static List<String> lines(String text) {
    return text.isBlank() ? List.of() : List.of(text.strip().split("\\R"));
  }

  @Test
  void shardsPartitionTheCells() throws IOException {
    Path file = grid12();
    ConfigCommandsTest.Run all = ConfigCommandsTest.run("suite", file.toString(), "--list");
    assertEquals(0, all.code(), all.err());
    List<String> ids = lines(all.out());
    assertEquals(12, ids.size(), all.out());
    assertEquals(12, new HashSet<>(ids).size(), "ids are unique");
    assertEquals("a__djl__64x64", ids.get(0));
    assertFalse(Files.exists(dir.resolve("cells")), "--list measures nothing");
    for (int n = 1; n <= 5; n++) {
      List<String> union = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        ConfigCommandsTest.Run r =
            ConfigCommandsTest.run("suite", file.toString(), "--list", "--shard", i + "/" + n);
        assertEquals(0, r.code(), r.err());
        List<String> share = lines(r.out());
        assertTrue(share.size() >= 12 / n && share.size() <= (12 + n - 1) / n, r.out());
        union.addAll(share);
      }
      Collections.sort(union);
      List<String> sorted = new ArrayList<>(ids);
      Collections.sort(sorted);
      assertEquals(sorted, union, "shards of " + n + " cover every cell exactly once");
    }
    ConfigCommandsTest.Run one =
        ConfigCommandsTest.run("suite", file.toString(), "--list", "--cell", "b__nd4j__128x96");
    assertEquals(List.of("b__nd4j__128x96"), lines(one.out()));
  }

  @Test
  void badShardAndUnknownCellAreUsageErrors() throws IOException {
    Path file = grid12();
    for (String bad : List.of("0/2", "3/2", "1-2", "a/b")) {
      ConfigCommandsTest.Run r =
          ConfigCommandsTest.run("suite", file.toString(), "--list", "--shard", bad);
      assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
      assertTrue(r.err().contains("--shard") && r.err().lines().count() == 1, r.err());
    }
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("suite", file.toString(), "--list", "--cell", "z__djl__1x1");
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains("z__djl__1x1") && r.err().contains("a__djl__64x64"), r.err());
    r = ConfigCommandsTest.run("suite", "--report-only", dir.resolve("nothing").toString());
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains("suite.json"), r.err());
  }

  /**
   * The Slurm array script is valid bash and names every cell once; the report job depends on it.
   */
  @Test
  void slurmLauncherWritesAnArrayAndADependentReportJob() throws Exception {
    Path file = grid12();
    Path out = dir.resolve("out");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "suite", file.toString(), "--out", out.toString(), "--launcher", "slurm");
    assertEquals(0, r.code(), r.err());
    Path slurm = out.resolve("slurm");
    for (String f : List.of("cells.sbatch", "report.sbatch", "submit.sh")) {
      Process p =
          new ProcessBuilder("bash", "-n", slurm.resolve(f).toString())
              .redirectErrorStream(true)
              .start();
      String msg = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), f + ": " + msg);
    }
    String array = Files.readString(slurm.resolve("cells.sbatch"));
    assertTrue(array.contains("#SBATCH --array=0-11\n"), array);
    assertTrue(array.contains("#SBATCH --exclusive\n"), array);
    List<String> ids = lines(ConfigCommandsTest.run("suite", file.toString(), "--list").out());
    for (String id : ids) {
      int count = array.split(java.util.regex.Pattern.quote("'" + id + "'"), -1).length - 1;
      assertEquals(1, count, id + " in " + array);
    }
    assertTrue(array.contains("--cell \"${cells[$SLURM_ARRAY_TASK_ID]}\""), array);
    assertTrue(
        Files.readString(slurm.resolve("report.sbatch")).contains("'--report-only' '" + out));
    assertTrue(Files.readString(slurm.resolve("submit.sh")).contains("--dependency=afterany:"));
    // The cells' order in the array is the grid's: task k runs cell k.
    int last = -1;
    for (String id : ids) {
      int at = array.indexOf("'" + id + "'");
      assertTrue(at > last, id);
      last = at;
    }
    assertTrue(Files.isRegularFile(out.resolve("suite.json")));
    assertFalse(Files.exists(out.resolve("cells").resolve(ids.get(0) + ".json")));
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
