package dev.detkit.spark;

import com.google.inject.Inject;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.util.Json;
import dev.detkit.tools.ModelLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit spark infer CONFIG --checkpoint FILE --images DIR_OR_LIST --out DIR}: detections
 * for many images on Spark, written as Parquet ({@code DIR/detections.parquet}: one row per
 * detection with image, bbox, score, label, class) and as {@code ./detkit infer}'s JSON ({@code
 * DIR/detections.json}). A bad image is reported and skipped; the exit code is then 2.
 */
@Command(name = "infer", description = "Detect objects in many images on Spark; Parquet and JSON.")
final class SparkInferCommand implements Callable<Integer> {
  @Inject RuntimeOptions runtime;

  private static final List<String> IMAGE_EXTENSIONS =
      List.of(".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin SparkOptions opts;

  @Option(
      names = "--images",
      required = true,
      paramLabel = "DIR_OR_LIST",
      description = "A folder of images, or a text file with one image path per line.")
  Path images;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path outDir;

  @Option(
      names = "--score-thr",
      defaultValue = "0",
      description = "Only write detections scoring at least this (default 0: all).")
  double scoreThr;

  @Option(names = "--batch-size", defaultValue = "1")
  int batchSize;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (batchSize < 1) {
      throw new SparkUserError("--batch-size must be at least 1");
    }
    List<String> paths = listImages(images);
    ResolvedConfig cfg = opts.loadConfig();
    List<String> classes = ModelLoader.classes(cfg);
    List<ImageTask> tasks = new ArrayList<>();
    for (String p : paths) {
      tasks.add(new ImageTask(tasks.size(), p, tasks.size()));
    }
    ModelSpec model = ModelSpec.of(cfg, opts.checkpoint, opts.backend, runtime);
    Files.createDirectories(outDir);
    List<Map<String, Object>> records = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    int failed = 0;
    SparkSession spark =
        SparkSessions.start(
            opts.master,
            "detkit spark infer " + opts.config,
            opts.conf,
            opts.startTimeout(),
            opts.debug());
    try {
      List<ImageDetections> dets =
          DetectionJob.run(
              spark,
              model,
              tasks,
              batchSize,
              opts.partitions,
              opts.jobTimeout(),
              "spark infer",
              err);
      for (ImageDetections d : dets) {
        if (d.failed()) {
          err.println("error: " + d.error());
          failed++;
          continue;
        }
        Detections kept = d.detections().withMinScore(scoreThr);
        records.add(record(d, kept, classes));
        for (int i = 0; i < kept.size(); i++) {
          float[] b = kept.boxes();
          rows.add(
              RowFactory.create(
                  d.path(),
                  new double[] {b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]},
                  (double) kept.scores()[i],
                  kept.labels()[i],
                  className(kept.labels()[i], classes)));
        }
      }
      spark
          .createDataFrame(rows, schema())
          .coalesce(1)
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(outDir.resolve("detections.parquet").toAbsolutePath().toString());
    } finally {
      SparkSessions.stopQuietly(spark);
    }
    Path json = outDir.resolve("detections.json");
    Files.writeString(json, Json.pretty(records) + "\n");
    err.printf(
        Locale.ROOT,
        "wrote %s (%d detections) and %s (%d images)%n",
        outDir.resolve("detections.parquet"),
        rows.size(),
        json,
        records.size());
    if (failed > 0) {
      err.println(failed + " of " + paths.size() + " image(s) failed; the others were processed");
      return SparkCli.USAGE_ERROR;
    }
    return 0;
  }

  /** Parquet columns: image, bbox [x1, y1, x2, y2], score, label, class. */
  static StructType schema() {
    return new StructType()
        .add("image", DataTypes.StringType, false)
        .add("bbox", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("score", DataTypes.DoubleType, false)
        .add("label", DataTypes.IntegerType, false)
        .add("class", DataTypes.StringType, false);
  }

  /** A folder's files (sorted), a single image, or the lines of a list file. */
  private static List<String> listImages(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.list(p)) {
        return s.filter(Files::isRegularFile).sorted().map(Path::toString).toList();
      }
    }
    if (!Files.isRegularFile(p)) {
      throw new SparkUserError("--images: no such file or folder: " + p);
    }
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (IMAGE_EXTENSIONS.stream().anyMatch(name::endsWith)) {
      return List.of(p.toString());
    }
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(p)) {
      if (!line.isBlank() && !line.strip().startsWith("#")) {
        out.add(line.strip());
      }
    }
    if (out.isEmpty()) {
      throw new SparkUserError(p + ": the image list names no image");
    }
    return out;
  }

  private static String className(int label, List<String> classes) {
    return label < classes.size() ? classes.get(label) : String.valueOf(label);
  }

  /** One image as {@code ./detkit infer} writes it. */
  private static Map<String, Object> record(ImageDetections d, Detections k, List<String> classes) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("image", d.path());
    r.put("ori_shape", d.oriShape());
    r.put("img_shape", d.imgShape());
    List<Map<String, Object>> dets = new ArrayList<>();
    for (int i = 0; i < k.size(); i++) {
      Map<String, Object> o = new LinkedHashMap<>();
      float[] b = k.boxes();
      o.put("bbox", new double[] {b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]});
      o.put("score", (double) k.scores()[i]);
      o.put("label", k.labels()[i]);
      o.put("class", className(k.labels()[i], classes));
      dets.add(o);
    }
    r.put("detections", dets);
    return r;
  }
}
