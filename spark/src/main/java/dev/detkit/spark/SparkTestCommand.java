package dev.detkit.spark;

import com.google.inject.Inject;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.util.Json;
import dev.detkit.data.CocoDataset;
import dev.detkit.evaluation.CocoEval;
import dev.detkit.evaluation.CocoMetricResult;
import dev.detkit.evaluation.CocoResults;
import dev.detkit.tools.ModelLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit spark test CONFIG --checkpoint FILE}: {@code ./detkit test} with the detector on
 * Spark's executors. The driver reads the annotation file, the executors read the images from its
 * paths; the detections come back in dataset order and the driver evaluates COCO box AP with
 * detkit's evaluator, so the summary is {@code ./detkit test}'s.
 */
@Command(
    name = "test",
    description = "Run the config's test dataset through the detector on Spark; COCO box AP.")
final class SparkTestCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject RuntimeOptions runtime;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin SparkOptions opts;

  @Option(
      names = "--out",
      paramLabel = "results.json",
      description = "COCO-format results (default: results.bbox.json).")
  Path out = Path.of("results.bbox.json");

  @Override
  public Integer call() throws IOException {
    PrintWriter out0 = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ResolvedConfig cfg = opts.loadConfig();
    // The driver needs no backend: it reads annotations and evaluates.
    CocoDataset dataset = ModelLoader.testDataset(cfg, new BuildContext(registry, null, runtime));
    List<ImageTask> images = new ArrayList<>();
    for (CocoDataset.Item item : dataset.items()) {
      images.add(new ImageTask(images.size(), item.path(), item.imgId()));
    }
    ModelSpec model = ModelSpec.of(cfg, opts.checkpoint, opts.backend, runtime);
    int batchSize = intAt(cfg, "test_dataloader.batch_size", 1);
    List<ImageDetections> dets;
    SparkSession spark =
        SparkSessions.start(
            opts.master,
            "detkit spark test " + opts.config,
            opts.conf,
            opts.startTimeout(),
            opts.debug());
    try {
      dets =
          DetectionJob.run(
              spark,
              model,
              images,
              Math.max(1, batchSize),
              opts.partitions,
              opts.jobTimeout(),
              "spark test",
              err);
    } finally {
      SparkSessions.stopQuietly(spark);
    }
    List<Map<String, Object>> results = new ArrayList<>();
    int failed = 0;
    for (ImageDetections d : dets) {
      if (d.failed()) {
        err.println("error: " + d.error());
        failed++;
        continue;
      }
      try {
        CocoResults.add(results, d.imgId(), d.detections(), dataset.catIds());
      } catch (IllegalArgumentException e) {
        throw new SparkUserError(e.getMessage());
      }
    }
    Files.writeString(out, Json.compact(results));
    CfgNode annNode = cfg.at("test_evaluator.ann_file");
    Path annFile =
        annNode != null && annNode.unwrapped() instanceof String s ? Path.of(s) : dataset.annFile();
    boolean classwise =
        cfg.at("test_evaluator.classwise") != null
            && Boolean.TRUE.equals(cfg.at("test_evaluator.classwise").unwrapped());
    CocoMetricResult metric =
        CocoEval.evaluateFiles(annFile, out, new int[] {100, 300, 1000}, classwise);
    out0.print(metric.toText());
    out0.println(
        "results: "
            + out
            + " ("
            + results.size()
            + " detections on "
            + dataset.items().size()
            + " images)");
    out0.flush();
    if (failed > 0) {
      err.println(failed + " image(s) failed to load; they count as having no detections");
      return SparkCli.USAGE_ERROR;
    }
    return 0;
  }

  private static int intAt(ResolvedConfig cfg, String path, int dflt) {
    CfgNode n = cfg.at(path);
    return n != null && n.unwrapped() instanceof Long v ? v.intValue() : dflt;
  }
}
