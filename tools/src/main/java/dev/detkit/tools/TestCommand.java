package dev.detkit.tools;

import com.google.gson.GsonBuilder;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.tensor.Backend;
import dev.detkit.data.CocoDataset;
import dev.detkit.data.DataLoader;
import dev.detkit.data.DetectionPainter;
import dev.detkit.data.Pipeline;
import dev.detkit.engine.Progress;
import dev.detkit.evaluation.CocoEval;
import dev.detkit.evaluation.CocoMetricResult;
import dev.detkit.evaluation.CocoResults;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit test CONFIG --checkpoint FILE}: mmdet's test loop — the config's test dataloader
 * (CocoDataset, test pipeline, background workers), the model, and the COCO metric (mmdet's maxDets
 * 100/300/1000) — with a progress bar; prints mmdet's summary and copypaste line and writes the
 * COCO-format results.
 */
@Command(name = "test", description = "Run the test dataloader, the model and the COCO metric.")
final class TestCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions model;

  @Option(
      names = "--out",
      paramLabel = "results.json",
      description = "COCO-format results (default: results.bbox.json).")
  Path out = Path.of("results.bbox.json");

  @Option(names = "--show-dir", paramLabel = "DIR")
  Path showDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out0 = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ResolvedConfig cfg = model.loadConfig();
    Backend b = model.backend();
    Registry registry = Registry.get();
    BuildContext ctx = new BuildContext(registry, b);
    CocoDataset dataset = ModelLoader.testDataset(cfg, ctx);
    Pipeline pipeline =
        Pipeline.build(
            cfg.at("test_dataloader.dataset.pipeline"), "test_dataloader.dataset.pipeline", ctx);
    int batchSize = intAt(cfg, "test_dataloader.batch_size", 1);
    int workers = intAt(cfg, "test_dataloader.num_workers", 2);
    if (showDir != null) {
      Files.createDirectories(showDir);
    }
    Detector det = ModelLoader.detector(cfg, b, model.checkpoint, err);
    List<Map<String, Object>> results = new ArrayList<>();
    int[] failed = {0};
    try (DataLoader loader =
        new DataLoader(
            dataset,
            pipeline,
            batchSize,
            workers,
            (item, e) -> {
              err.println("\nerror: " + e.getMessage());
              failed[0]++;
            })) {
      Progress progress = new Progress(err, "test", loader.size());
      for (List<DetSample> batch : loader) {
        if (!batch.isEmpty()) {
          List<Detections> dets = det.predict(batch);
          for (int i = 0; i < batch.size(); i++) {
            addResults(results, batch.get(i).meta().imgId(), dets.get(i), dataset.catIds());
            if (showDir != null) {
              Path src = Path.of(batch.get(i).meta().path());
              String name = src.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".png";
              DetectionPainter.paint(
                  src, dets.get(i).withMinScore(0.3), dataset.classes(), showDir.resolve(name));
            }
          }
        }
        progress.step();
      }
      progress.done();
    } finally {
      ((Module) det).close();
    }
    Files.writeString(out, new GsonBuilder().create().toJson(results));
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
    if (failed[0] > 0) {
      err.println(failed[0] + " image(s) failed to load; they count as having no detections");
      return DetkitCli.USAGE_ERROR;
    }
    return 0;
  }

  /**
   * mmdet's results2json (see {@link CocoResults#add}); a label without category is a user error.
   */
  static void addResults(
      List<Map<String, Object>> out, long imgId, Detections d, List<Long> catIds) {
    try {
      CocoResults.add(out, imgId, d, catIds);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  private static int intAt(ResolvedConfig cfg, String path, int dflt) {
    CfgNode n = cfg.at(path);
    return n != null && n.unwrapped() instanceof Long v ? v.intValue() : dflt;
  }
}
