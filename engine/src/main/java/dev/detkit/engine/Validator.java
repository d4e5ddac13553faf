package dev.detkit.engine;

import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.util.Json;
import dev.detkit.data.CocoDataset;
import dev.detkit.data.DataLoader;
import dev.detkit.data.Pipeline;
import dev.detkit.evaluation.CocoMetric;
import dev.detkit.evaluation.CocoMetricResult;
import dev.detkit.evaluation.CocoResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * mmengine's {@code ValLoop} with mmdet's {@code CocoMetric}: the {@code val_dataloader} through
 * the model in eval mode, the detections written as COCO results, and box AP computed with
 * pycocotools' rules (mmdet's maxDets 100/300/1000). Metrics are mmdet's names without the {@code
 * coco/} prefix: {@code bbox_mAP}, {@code bbox_mAP_50}, ...
 */
public final class Validator {
  private final CocoDataset dataset;
  private final Pipeline pipeline;
  private final int batchSize;
  private final CocoMetric metric;

  private Validator(CocoDataset dataset, Pipeline pipeline, int batchSize, CocoMetric metric) {
    this.dataset = dataset;
    this.pipeline = pipeline;
    this.batchSize = batchSize;
    this.metric = metric;
  }

  /** The config's validation loop, or null when it has no {@code val_dataloader}. */
  public static Validator of(ResolvedConfig cfg, BuildContext ctx) {
    if (!(cfg.at("val_dataloader") instanceof dev.detkit.api.config.CfgMap)) {
      return null;
    }
    DataloaderCfg dl =
        ctx.registry()
            .bindArgs(
                DataloaderCfg.class, cfg.map("val_dataloader"), "val_dataloader", "val_dataloader");
    CocoDataset ds =
        ctx.registry()
            .build(
                ComponentKind.DATASET,
                cfg.map("val_dataloader.dataset"),
                "val_dataloader.dataset",
                CocoDataset.class,
                ctx);
    Pipeline p =
        Pipeline.build(
            cfg.at("val_dataloader.dataset.pipeline"), "val_dataloader.dataset.pipeline", ctx);
    CocoMetric metric = metric(cfg, "val_evaluator", ctx);
    return new Validator(ds, p, dl.batchSize(), metric);
  }

  /**
   * The metric at {@code path} ({@code val_evaluator}, {@code test_evaluator}); CocoMetric if
   * unset.
   */
  public static CocoMetric metric(ResolvedConfig cfg, String path, BuildContext ctx) {
    CfgMap m =
        cfg.at(path) instanceof CfgMap given
            ? given
            : CfgMap.empty(dev.detkit.api.config.Origin.CLI)
                .with(
                    "type",
                    new dev.detkit.api.config.CfgScalar(
                        "CocoMetric", dev.detkit.api.config.Origin.CLI));
    return ctx.registry().build(ComponentKind.METRIC, m, path, CocoMetric.class, ctx);
  }

  public CocoDataset dataset() {
    return dataset;
  }

  /**
   * Runs the model over the validation set; {@code perImage} sees every sample and its detections.
   * Results are written to {@code resultsFile}.
   */
  public Map<String, Double> run(
      Detector model, Path resultsFile, BiConsumer<DetSample, Detections> perImage) {
    List<Map<String, Object>> results = new ArrayList<>();
    try (DataLoader loader =
        new DataLoader(
            dataset,
            pipeline,
            batchSize,
            2,
            (item, e) -> {
              throw e;
            })) {
      for (List<DetSample> batch : loader) {
        List<Detections> dets = model.predict(batch);
        for (int i = 0; i < batch.size(); i++) {
          CocoResults.add(results, batch.get(i).meta().imgId(), dets.get(i), dataset.catIds());
          perImage.accept(batch.get(i), dets.get(i));
        }
      }
    }
    try {
      Files.writeString(resultsFile, Json.compact(results));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + resultsFile, e);
    }
    if (results.isEmpty()) {
      Map<String, Double> zero = new java.util.LinkedHashMap<>();
      CocoMetricResult.METRIC_ITEMS.forEach(m -> zero.put("bbox_" + m, 0.0));
      return zero;
    }
    return metric.evaluate(metric.annFile(dataset.annFile()), resultsFile).metrics();
  }
}
