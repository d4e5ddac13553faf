package dev.detkit.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.util.Json;
import dev.detkit.data.DetectionPainter;
import dev.detkit.data.Pipeline;
import dev.detkit.data.synthetic.SyntheticShapes;
import dev.detkit.engine.Runner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit quickstart}: the whole loop on bundled data, end to end — generate the synthetic
 * shapes dataset, train the quickstart EfficientNet-B0 RetinaNet, evaluate box AP on the validation
 * split, draw detections, and benchmark inference with {@code ./detkit benchmark}'s protocol.
 * Writes {@code WORK_DIR/summary.json} ({@code bbox_mAP}, {@code mem_gb}, {@code fps}, {@code
 * train_seconds}, ...).
 */
@Command(
    name = "quickstart",
    description = "Generate data, train, evaluate, draw and benchmark the quickstart model.")
final class QuickstartCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "work_dirs/quickstart",
      description = "Output directory (default: work_dirs/quickstart).")
  Path workDir;

  @Option(
      names = "--config",
      paramLabel = "CONFIG",
      defaultValue = "configs/quickstart/retinanet_effb0_fpn_shapes.yaml",
      description = "The quickstart config.")
  Path config;

  @Option(names = "--train-images", defaultValue = "800", description = "Training images.")
  int trainImages;

  @Option(names = "--val-images", defaultValue = "200", description = "Validation images.")
  int valImages;

  @Option(names = "--seed", defaultValue = "0", description = "Dataset and training seed.")
  long seed;

  @Option(
      names = "--cfg-options",
      arity = "1..*",
      paramLabel = "KEY=VALUE",
      description = "Overrides, as in train (for example train_cfg.max_epochs=2).")
  List<String> cfgOptions = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path data = workDir.resolve("data").resolve("shapes");
    out.println("[1/5] generating " + trainImages + "+" + valImages + " images under " + data);
    SyntheticShapes.generate(
        new SyntheticShapes.Spec(seed, trainImages, valImages, 128, 1, 3, 24, 56), data);
    List<String> options = new ArrayList<>();
    String root = data.toString() + "/";
    options.add("train_dataloader.dataset.data_root=" + root);
    options.add("val_dataloader.dataset.data_root=" + root);
    options.add("test_dataloader.dataset.data_root=" + root);
    String valAnn = data.resolve("annotations/instances_val.json").toString();
    options.add("val_evaluator.ann_file=" + valAnn);
    options.add("test_evaluator.ann_file=" + valAnn);
    options.add("randomness.seed=" + seed);
    options.addAll(cfgOptions);
    ResolvedConfig cfg = new ConfigLoader().load(config, options);
    Path train = workDir.resolve("train");

    out.println("[2/5] training " + config + " (work dir " + train + ")");
    long t0 = System.nanoTime();
    Map<String, Double> metrics;
    long memMb;
    try (Runner runner = new Runner(cfg, context(), train, false, out, err)) {
      metrics = runner.train();
      memMb = runner.peakMemoryMb();
    }
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    Path ckpt = Path.of(Files.readString(train.resolve("last_checkpoint")).trim());

    out.println("[3/5] box AP on the validation split: " + metrics);
    out.println("[4/5] drawing detections to " + workDir.resolve("vis"));
    draw(cfg, ckpt, workDir.resolve("vis"), err);

    out.println("[5/5] benchmarking inference (./detkit benchmark protocol)");
    JsonNode bench = benchmark(ckpt, options);

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("bbox_mAP", metrics.get("bbox_mAP"));
    summary.put("bbox_mAP_50", metrics.get("bbox_mAP_50"));
    summary.put("bbox_mAP_75", metrics.get("bbox_mAP_75"));
    summary.put("mem_gb", Math.round(memMb / 1024.0 * 100) / 100.0);
    summary.put("fps", bench.get("fps").asDouble());
    summary.put("train_seconds", trainSeconds);
    summary.put("checkpoint", ckpt.toString());
    summary.put("curves", train.resolve("curves.png").toString());
    summary.put("scalars", train.resolve("scalars.jsonl").toString());
    summary.put("benchmark", bench);
    Files.writeString(workDir.resolve("summary.json"), Json.pretty(summary));
    out.printf(
        Locale.ROOT,
        "quickstart: box AP %.3f (AP50 %.3f), Mem %.2f GB (peak RSS while training), %.1f fps"
            + " (batch 1, end to end), trained in %.0f s; %s%n",
        metrics.getOrDefault("bbox_mAP", Double.NaN),
        metrics.getOrDefault("bbox_mAP_50", Double.NaN),
        memMb / 1024.0,
        bench.get("fps").asDouble(),
        trainSeconds,
        workDir.resolve("summary.json"));
    return 0;
  }

  /** Quickstart runs on djl, the backend every clone has. */
  private BuildContext context() {
    return new BuildContext(registry, backends.get("djl"), backends.options());
  }

  private void draw(ResolvedConfig cfg, Path ckpt, Path dir, PrintWriter err) throws IOException {
    Files.createDirectories(dir);
    var ctx = context();
    var dataset = ModelLoader.testDataset(cfg, ctx);
    Pipeline pipeline =
        Pipeline.build(
            cfg.at("test_dataloader.dataset.pipeline"), "test_dataloader.dataset.pipeline", ctx);
    Detector det = ModelLoader.detector(cfg, ctx, ckpt, err);
    try {
      for (var item : dataset.items().subList(0, Math.min(8, dataset.items().size()))) {
        DetSample s = pipeline.load(item.path(), item.imgId());
        Detections d = det.predict(List.of(s)).get(0);
        String name = Path.of(item.path()).getFileName().toString().replace(".jpg", ".png");
        DetectionPainter.paint(
            Path.of(item.path()), d.withMinScore(0.3), dataset.classes(), dir.resolve(name));
      }
    } finally {
      ((Module) det).close();
    }
  }

  @SuppressWarnings("unchecked")
  private JsonNode benchmark(Path ckpt, List<String> options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "benchmark",
                config.toString(),
                "--checkpoint",
                ckpt.toString(),
                "--dataset",
                "--num-images",
                "50",
                "--format",
                "json"));
    args.add("--cfg-options");
    args.addAll(options);
    StringWriter json = new StringWriter();
    StringWriter log = new StringWriter();
    int rc =
        DetkitCli.run(args.toArray(String[]::new), new PrintWriter(json), new PrintWriter(log));
    if (rc != 0) {
      throw new UserError("benchmark failed: " + log);
    }
    // Kept as parsed JSON, so the embedded record reads as the benchmark wrote it (2, not 2.0).
    try {
      return Json.tree(json.toString().trim());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserError("benchmark wrote no JSON record: " + Json.problem(e), e);
    }
  }
}
