package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
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
import dev.detkit.engine.Validator;
import dev.detkit.evaluation.CocoMetric;
import dev.detkit.evaluation.CocoMetricResult;
import dev.detkit.evaluation.CocoResults;
import java.io.IOException;
import java.io.PrintWriter;
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
  @Inject Registry registry;
  @Inject Backends backends;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions model;

  @Option(
      names = "--out",
      paramLabel = "results.json",
      description =
          "COCO-format results, written as they are produced (default: results.bbox.json).")
  Path out = Path.of("results.bbox.json");

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description =
          "Images per forward pass (default: the config's test_dataloader.batch_size). Loader"
              + " threads decode and resize the next images while the network runs; above 1, images"
              + " of different sizes are padded to a common size (as in mmdetection).")
  Integer batchSizeOption;

  @Option(
      names = "--show-dir",
      paramLabel = "DIR",
      description =
          "Write each test image with its detections (score >= 0.3) drawn into DIR, under the"
              + " image's own file name (as mmdetection).")
  Path showDir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out0 = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OutputPaths.checkFile(out, "--out");
    OutputPaths.prepareDir(showDir, "--show-dir");
    ResolvedConfig cfg = model.loadConfig();
    Backend b = model.backend(backends);
    model.precision(b, err);
    BuildContext ctx = model.context(registry, backends, b);
    CocoDataset dataset = ModelLoader.testDataset(cfg, ctx);
    Pipeline pipeline =
        Pipeline.build(
            cfg.at("test_dataloader.dataset.pipeline"), "test_dataloader.dataset.pipeline", ctx);
    int batchSize =
        batchSizeOption != null ? batchSizeOption : intAt(cfg, "test_dataloader.batch_size", 1);
    if (batchSize < 1) {
      throw new UserError("--batch-size must be at least 1, got " + batchSize);
    }
    int workers = intAt(cfg, "test_dataloader.num_workers", 2);
    if (showDir != null) {
      checkDrawingNames(dataset);
    }
    Detector det =
        model.onnxRuntime()
            ? OnnxModels.forConfig(cfg, ctx, model.checkpoint, err, true, model.device())
            : ModelLoader.detector(cfg, ctx, model.checkpoint, err, true);
    model.applyPrecision(det, b, err);
    List<Map<String, Object>> results = new ArrayList<>();
    int[] failed = {0};
    try (RecordWriter written = RecordWriter.toFile(out);
        DataLoader loader =
            new DataLoader(
                dataset,
                pipeline,
                batchSize,
                workers,
                (item, e) -> {
                  err.println("\nerror: " + e.getMessage());
                  failed[0]++;
                })) {
      Progress progress = new Progress(err, "test", loader.size(), ctx.options());
      for (List<DetSample> batch : loader) {
        if (!batch.isEmpty()) {
          List<Detections> dets = det.predict(batch);
          for (int i = 0; i < batch.size(); i++) {
            int before = results.size();
            addResults(results, batch.get(i).meta().imgId(), dets.get(i), dataset.catIds());
            results.subList(before, results.size()).forEach(written::add);
            if (showDir != null) {
              Path src = Path.of(batch.get(i).meta().path());
              DetectionPainter.paint(
                  src,
                  dets.get(i).withMinScore(0.3),
                  dataset.classes(),
                  showDir.resolve(InferCommand.drawingName(src)));
            }
          }
        }
        progress.step();
      }
      progress.done();
    } finally {
      InferCommand.close(det);
    }
    CocoMetric cocoMetric = Validator.metric(cfg, "test_evaluator", ctx);
    CocoMetricResult metric = cocoMetric.evaluate(cocoMetric.annFile(dataset.annFile()), out);
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
      err.println(
          failed[0]
              + " of "
              + dataset.items().size()
              + " images failed to load (reported above); they count as having no detections");
      return DetkitCli.USAGE_ERROR;
    }
    return 0;
  }

  /** Drawings keep the image's file name; two test images with one name would overwrite. */
  private static void checkDrawingNames(CocoDataset dataset) {
    Map<String, String> seen = new java.util.HashMap<>();
    for (CocoDataset.Item item : dataset.items()) {
      String name = InferCommand.drawingName(Path.of(item.path()));
      String first = seen.putIfAbsent(name, item.path());
      if (first != null) {
        throw new UserError(
            "--show-dir: "
                + first
                + " and "
                + item.path()
                + " would both be drawn as "
                + name
                + "; draw them into separate folders");
      }
    }
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
