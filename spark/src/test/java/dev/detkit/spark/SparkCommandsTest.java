package dev.detkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.util.Json;
import dev.detkit.data.CocoClasses;
import dev.detkit.evaluation.CocoEval;
import dev.detkit.tools.DetkitCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark test} and {@code spark infer} in {@code local[2]} against the single-JVM commands on
 * the same data and checkpoint (the golden fixture's small RetinaNet), a failing image, and a
 * cluster whose executors cannot start.
 */
class SparkCommandsTest {
  static final String CONFIG = "../tools/src/test/resources/configs/retinanet_effb0_small.yaml";

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run spark(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SparkCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  static Run detkit(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = DetkitCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * A COCO-format set of the fixture's two photographs, each several times under other names (so
   * that batches and partitions hold different images), optionally with an undecodable file.
   */
  private Path dataset(int copies, String broken) throws IOException {
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path imgs = Files.createDirectories(dir.resolve("images"));
    StringBuilder images = new StringBuilder();
    StringBuilder anns = new StringBuilder();
    int id = 0;
    for (int c = 0; c < copies; c++) {
      for (String src : List.of("image.png", "image.jpg")) {
        String name = c + "_" + src;
        Files.copy(fx.resolve(src), imgs.resolve(name));
        id++;
        images.append(images.length() == 0 ? "" : ",");
        images.append(
            "{\"id\": "
                + (100 - id)
                + ", \"file_name\": \""
                + name
                + "\", \"width\": 451, \"height\": 300}");
        anns.append(anns.length() == 0 ? "" : ",");
        anns.append(
            "{\"id\": "
                + id
                + ", \"image_id\": "
                + (100 - id)
                + ", \"category_id\": 16, \"bbox\": ["
                + (90 + 5 * c)
                + ", 30, 250, 255], \"area\": 63750, \"iscrowd\": 0}");
      }
      if (c == 0 && broken != null) {
        Files.write(imgs.resolve(broken), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        images.append(
            ",{\"id\": 7, \"file_name\": \"" + broken + "\", \"width\": 10, \"height\": 10}");
      }
    }
    StringBuilder cats = new StringBuilder();
    for (int i = 0; i < CocoClasses.NAMES.size(); i++) {
      cats.append(i == 0 ? "" : ",")
          .append("{\"id\": ")
          .append(i + 1)
          .append(", \"name\": \"")
          .append(CocoClasses.NAMES.get(i))
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

  private List<String> cfgOptions(Path ann, int batchSize) {
    return List.of(
        "--cfg-options",
        "test_dataloader.dataset.data_root=" + dir,
        "test_dataloader.dataset.ann_file=ann.json",
        "test_dataloader.dataset.data_prefix.img=images/",
        "test_dataloader.dataset.pipeline.1.scale=[320,320]",
        "test_dataloader.batch_size=" + batchSize,
        "test_evaluator.ann_file=" + ann);
  }

  private static String[] args(List<String> head, List<String> tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(tail);
    return all.toArray(String[]::new);
  }

  private static final List<String> LOCAL2 =
      List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false");

  /** The summary without the results line (whose path differs). */
  private static String summary(String out) {
    return out.lines().filter(l -> !l.startsWith("results: ")).reduce("", (a, b) -> a + b + "\n");
  }

  private static void assertSameStats(Path ann, Path a, Path b) {
    double[] sa = CocoEval.evaluateFiles(ann, a, new int[] {100, 300, 1000}, false).stats();
    double[] sb = CocoEval.evaluateFiles(ann, b, new int[] {100, 300, 1000}, false).stats();
    assertArrayEquals(sa, sb, 1e-12);
  }

  /**
   * Batches of 2 over 8 images in 3 partitions: the same detections, results file and summary as
   * one JVM's {@code ./detkit test}; the driver's progress line reaches 8/8.
   */
  @Test
  void sparkTestEqualsTheSingleJvmTest() throws IOException {
    Path ann = dataset(4, null);
    Path single = dir.resolve("single.json");
    Path distributed = dir.resolve("spark.json");
    String ckpt = Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors").toString();
    Run one =
        detkit(
            args(
                List.of("test", CONFIG, "--checkpoint", ckpt, "--out", single.toString()),
                cfgOptions(ann, 2)));
    assertEquals(0, one.code(), one.err());
    List<String> head =
        new ArrayList<>(
            List.of(
                "test",
                CONFIG,
                "--checkpoint",
                ckpt,
                "--out",
                distributed.toString(),
                "--partitions",
                "3"));
    head.addAll(LOCAL2);
    Run many = spark(args(head, cfgOptions(ann, 2)));
    assertEquals(0, many.code(), many.err());
    assertTrue(many.err().contains("8/8"), many.err());
    assertEquals(summary(one.out()), summary(many.out()));
    assertTrue(many.out().contains(" detections on 8 images)"), many.out());
    JsonNode a = Json.parse(Files.readString(single));
    JsonNode b = Json.parse(Files.readString(distributed));
    assertTrue(a.size() > 0);
    assertEquals(a, b, "the same detections, in the same order");
    assertSameStats(ann, single, distributed);
  }

  /** An undecodable image is reported with its path; the others are evaluated; exit 2. */
  @Test
  void aFailingImageIsReportedAndSkipped() throws IOException {
    Path ann = dataset(1, "broken.jpg");
    Path single = dir.resolve("single.json");
    Path distributed = dir.resolve("spark.json");
    String ckpt = Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors").toString();
    Run one =
        detkit(
            args(
                List.of("test", CONFIG, "--checkpoint", ckpt, "--out", single.toString()),
                cfgOptions(ann, 1)));
    List<String> head =
        new ArrayList<>(
            List.of("test", CONFIG, "--checkpoint", ckpt, "--out", distributed.toString()));
    head.addAll(LOCAL2);
    Run many = spark(args(head, cfgOptions(ann, 1)));
    assertEquals(SparkCli.USAGE_ERROR, one.code(), one.err());
    assertEquals(SparkCli.USAGE_ERROR, many.code(), many.err());
    assertTrue(
        many.err().lines().anyMatch(l -> l.startsWith("error: ") && l.contains("broken.jpg")),
        many.err());
    assertTrue(many.err().contains("1 image(s) failed to load"), many.err());
    assertEquals(summary(one.out()), summary(many.out()));
    assertTrue(many.out().contains(" detections on 3 images)"), many.out());
    assertSameStats(ann, single, distributed);
  }

  /**
   * {@code spark infer}: per image the JSON of {@code ./detkit infer}, and one Parquet row per
   * detection; a broken image is reported and skipped.
   */
  @Test
  void sparkInferWritesParquetAndTheInferJson() throws IOException {
    dataset(1, "broken.jpg");
    Path imgs = dir.resolve("images");
    Path out = dir.resolve("infer");
    String ckpt = Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors").toString();
    List<String> scale =
        List.of("--cfg-options", "test_dataloader.dataset.pipeline.1.scale=[320,320]");
    List<String> head =
        new ArrayList<>(
            List.of(
                "infer",
                CONFIG,
                "--checkpoint",
                ckpt,
                "--images",
                imgs.toString(),
                "--out",
                out.toString(),
                "--score-thr",
                "0.05"));
    head.addAll(LOCAL2);
    Run many = spark(args(head, scale));
    assertEquals(SparkCli.USAGE_ERROR, many.code(), many.err());
    assertTrue(many.err().contains("broken.jpg"), many.err());

    Path good = Files.createDirectories(dir.resolve("good"));
    for (String n : List.of("0_image.jpg", "0_image.png")) {
      Files.copy(imgs.resolve(n), good.resolve(n));
    }
    Path single = dir.resolve("single.json");
    Run one =
        detkit(
            args(
                List.of(
                    "infer",
                    CONFIG,
                    "--checkpoint",
                    ckpt,
                    "--image",
                    good.toString(),
                    "--out",
                    single.toString(),
                    "--score-thr",
                    "0.05"),
                scale));
    assertEquals(0, one.code(), one.err());
    JsonNode expected = Json.parse(Files.readString(single));
    JsonNode actual = Json.parse(Files.readString(out.resolve("detections.json")));
    assertEquals(2, actual.size());
    int detections = 0;
    for (int i = 0; i < 2; i++) {
      var e = expected.get(i);
      var a = actual.get(i);
      assertEquals(
          Path.of(e.get("image").asText()).getFileName(),
          Path.of(a.get("image").asText()).getFileName());
      for (String k : List.of("ori_shape", "img_shape", "detections")) {
        assertEquals(e.get(k), a.get(k), k);
      }
      detections += a.get("detections").size();
    }
    assertTrue(detections > 0);

    SparkSession s =
        SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> rows =
          s.read().parquet(out.resolve("detections.parquet").toString()).collectAsList();
      assertEquals(detections, rows.size());
      assertEquals(
          List.of("image", "bbox", "score", "label", "class"),
          List.of(rows.get(0).schema().fieldNames()));
      JsonNode first = actual.get(0).get("detections").get(0);
      Row match =
          rows.stream()
              .filter(r -> r.getString(0).equals(actual.get(0).get("image").asText()))
              .filter(r -> r.getDouble(2) == first.get("score").asDouble())
              .findFirst()
              .orElseThrow();
      assertEquals(first.get("class").asText(), match.getString(4));
      assertEquals(4, match.getList(1).size());
    } finally {
      s.stop();
    }
  }

  /**
   * A cluster whose executors cannot launch (local-cluster without a Spark installation to start
   * executor JVMs from; the master retries forever, as a cluster without free resources waits)
   * fails within the start timeout with one line and exit 2.
   */
  @Test
  void executorsThatCannotStartFailWithinTheTimeout() throws IOException {
    Path ann = dataset(1, null);
    String ckpt = Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors").toString();
    long t0 = System.nanoTime();
    Run r =
        spark(
            args(
                List.of(
                    "test",
                    CONFIG,
                    "--checkpoint",
                    ckpt,
                    "--out",
                    dir.resolve("r.json").toString(),
                    "--master",
                    "local-cluster[1,1,1024]",
                    "--start-timeout",
                    "6",
                    "--conf",
                    "spark.ui.enabled=false",
                    "--conf",
                    "spark.deploy.maxExecutorRetries=-1"),
                cfgOptions(ann, 1)));
    double secs = (System.nanoTime() - t0) / 1e9;
    assertEquals(SparkCli.USAGE_ERROR, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(
        r.err().startsWith("error: spark: no executor started within 6 s on local-cluster"),
        r.err());
    assertTrue(secs >= 6 && secs < 6 + 30, "took " + secs + " s");
  }

  /**
   * A job that cannot finish (one image path is a FIFO nobody writes to, so reading it blocks) ends
   * at {@code --job-timeout} with one line and exit 2.
   */
  @Test
  void aJobThatDoesNotFinishFailsAtTheJobTimeout() throws Exception {
    Path ann = dataset(1, null);
    Path fifo = dir.resolve("images").resolve("0_image.png");
    Files.delete(fifo);
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    String ckpt = Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors").toString();
    List<String> head =
        new ArrayList<>(
            List.of(
                "test",
                CONFIG,
                "--checkpoint",
                ckpt,
                "--out",
                dir.resolve("r.json").toString(),
                "--job-timeout",
                "4"));
    head.addAll(LOCAL2);
    long t0 = System.nanoTime();
    Run r;
    try {
      r = spark(args(head, cfgOptions(ann, 1)));
    } finally {
      // Let the blocked reader go (a writer that opens and closes the FIFO gives it EOF), and wait
      // until the cancelled job's context is gone, so the next test starts a fresh one.
      new ProcessBuilder("timeout", "10", "sh", "-c", ": > '" + fifo + "'").start().waitFor();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (org.apache.spark.SparkContext$.MODULE$.getActive().isDefined()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    assertEquals(SparkCli.USAGE_ERROR, r.code(), r.err());
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(
        last.startsWith("error: spark: the job did not finish within 4 s (")
            && last.endsWith(" of 2 images done; see --job-timeout)"),
        r.err());
    assertTrue(
        lines.stream().filter(l -> l.startsWith("error: ")).count() == 1,
        "one error line: " + r.err());
    assertTrue(secs >= 4 && secs < 4 + 40, "took " + secs + " s");
  }
}
