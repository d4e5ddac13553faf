package dev.detkit.tools;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.config.CfgList;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.data.CocoClasses;
import dev.detkit.data.CocoDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds a config's detector and loads a checkpoint into it, as mmdet's {@code init_detector}. */
public final class ModelLoader {
  private ModelLoader() {}

  /**
   * The detector of {@code cfg.model}, with {@code checkpoint} loaded (non-strict, reported);
   * without one, the config's {@code load_from} if set.
   */
  public static Detector detector(
      ResolvedConfig cfg, BuildContext ctx, Path checkpoint, PrintWriter log) {
    return detector(cfg, ctx, checkpoint, log, Detector.class, false);
  }

  /**
   * As {@link #detector(ResolvedConfig, BuildContext, Path, PrintWriter)}; with {@code
   * warnIfRandom}, a detector left with random weights (no checkpoint, no load_from) says so once,
   * since its detections mean nothing.
   */
  static Detector detector(
      ResolvedConfig cfg,
      BuildContext ctx,
      Path checkpoint,
      PrintWriter log,
      boolean warnIfRandom) {
    return detector(cfg, ctx, checkpoint, log, Detector.class, warnIfRandom);
  }

  /**
   * As {@link #detector(ResolvedConfig, BuildContext, Path, PrintWriter)} for a command that needs
   * more of the model than {@link Detector} (a config whose model is not one is a config error).
   */
  static <T extends Detector> T detector(
      ResolvedConfig cfg, BuildContext ctx, Path checkpoint, PrintWriter log, Class<T> type) {
    return detector(cfg, ctx, checkpoint, log, type, false);
  }

  /** {@code checkpoint}, else the config's {@code load_from}, else null. */
  static Path resolveCheckpoint(ResolvedConfig cfg, Path checkpoint) {
    if (checkpoint == null
        && cfg.at("load_from") != null
        && cfg.at("load_from").unwrapped() instanceof String from) {
      return Path.of(from);
    }
    return checkpoint;
  }

  private static <T extends Detector> T detector(
      ResolvedConfig cfg,
      BuildContext ctx,
      Path checkpoint,
      PrintWriter log,
      Class<T> type,
      boolean warnIfRandom) {
    checkpoint = resolveCheckpoint(cfg, checkpoint);
    if (checkpoint != null) {
      OutputPaths.checkReadable(checkpoint, "checkpoint");
    }
    T det = ctx.registry().build(ComponentKind.DETECTOR, cfg.map("model"), "model", type, ctx);
    if (checkpoint == null) {
      if (warnIfRandom) {
        log.println(
            "warning: no --checkpoint and no load_from in the config: the detector has random"
                + " weights, so its detections mean nothing");
      }
      return det;
    }
    LoadReport report =
        ((Module) det)
            .loadStateDict(
                Checkpoints.load(checkpoint), ctx.backend(), false, checkpoint.toString());
    if (report.missing().size() + report.shapeMismatched().size() > 0
        && report.missing().size() == ((Module) det).stateDict().size()) {
      throw new UserError(
          checkpoint
              + ": no key of the checkpoint matches the model ("
              + report.unexpected().size()
              + " unexpected keys)");
    }
    // A head whose class count differs from the checkpoint's would predict with random weights.
    for (String m : report.shapeMismatched()) {
      if (m.startsWith("bbox_head.")) {
        throw new UserError(
            checkpoint
                + ": "
                + m
                + " (does model.bbox_head.num_classes match the checkpoint's classes?)");
      }
    }
    if (!report.isClean()) {
      log.println("warning: " + checkpoint + ": " + report.summary());
    }
    if (report.hasSuspectValues()) {
      log.println("warning: " + checkpoint + ": " + report.suspectValues());
    }
    return det;
  }

  /** The config's {@code test_dataloader.dataset}. */
  public static CocoDataset testDataset(ResolvedConfig cfg, BuildContext ctx) {
    return ctx.registry()
        .build(
            ComponentKind.DATASET,
            cfg.map("test_dataloader.dataset"),
            "test_dataloader.dataset",
            CocoDataset.class,
            ctx);
  }

  /** {@code test_dataloader.dataset.metainfo.classes}, else COCO's 80 classes. */
  public static List<String> classes(ResolvedConfig cfg) {
    CfgNode n = cfg.at("test_dataloader.dataset.metainfo.classes");
    if (n instanceof CfgList l) {
      List<String> out = new ArrayList<>();
      l.items().forEach(i -> out.add(String.valueOf(i.unwrapped())));
      return out;
    }
    return CocoClasses.NAMES;
  }
}
