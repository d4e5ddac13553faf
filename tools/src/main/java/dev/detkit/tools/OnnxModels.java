package dev.detkit.tools;

import dev.detkit.api.backend.Device;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.tensor.Backend;
import dev.detkit.detectors.SingleStageDetector;
import dev.detkit.export.DetectorExporter;
import dev.detkit.export.ExportException;
import dev.detkit.export.ExportMetadata;
import dev.detkit.export.RecordingBackend;
import dev.detkit.onnxruntime.BadModelException;
import dev.detkit.onnxruntime.ExportCache;
import dev.detkit.onnxruntime.OrtDetector;
import dev.detkit.onnxruntime.OrtNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * The ONNX side of the command line: exporting a config's detector ({@code ./detkit export} and the
 * export cache behind {@code --backend onnxruntime}) and building detectors whose network runs in
 * ONNX Runtime, from a config and checkpoint or from an exported file's own metadata.
 */
final class OnnxModels {
  /** {@code --backend}'s name for ONNX Runtime. */
  static final String BACKEND = "onnxruntime";

  private OnnxModels() {}

  /** What an export wrote. */
  record Written(
      Path file, long bytes, int nodes, int initializers, DetectorExporter.Recorded recorded) {}

  /**
   * Builds the config's detector on a recording backend over {@code ctx}'s, loads the checkpoint,
   * runs it once at {@code shape} (N, C, H, W) and writes the graph with its metadata.
   */
  static Written export(
      ResolvedConfig cfg,
      Path checkpoint,
      BuildContext ctx,
      int[] shape,
      boolean dynamic,
      int opset,
      Path out,
      PrintWriter log) {
    RecordingBackend rb = new RecordingBackend(ctx.backend(), opset, dynamic);
    try (SingleStageDetector det =
        ModelLoader.detector(
            cfg, ctx.withBackend(rb), checkpoint, log, SingleStageDetector.class)) {
      DetectorExporter.Recorded rec =
          DetectorExporter.record(det, rb, shape[0], shape[2], shape[3]);
      Path ckpt = ModelLoader.resolveCheckpoint(cfg, checkpoint);
      Map<String, String> meta =
          ExportMetadata.of(
              cfg,
              det,
              ModelLoader.classes(cfg),
              ckpt == null ? null : ckpt.toString(),
              shape,
              dynamic,
              new ArrayList<>(rec.outputs().keySet()));
      long bytes = DetectorExporter.write(rec.graph(), opset, detkitVersion(), meta, out);
      return new Written(
          out, bytes, rec.graph().nodes().size(), rec.graph().initializers().size(), rec);
    } catch (ExportException e) {
      throw new UserError(cfg.file() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError(out + ": cannot write (" + e.getMessage() + ")", e);
    }
  }

  static String detkitVersion() {
    String v = OnnxModels.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * A detector for {@code --backend onnxruntime}: the config's detector on {@code ctx}'s backend
   * for preprocessing and post-processing, its network exported per input shape (cached under the
   * runtime options' cache folder) and run in ONNX Runtime.
   */
  static OrtDetector forConfig(
      ResolvedConfig cfg,
      BuildContext ctx,
      Path checkpoint,
      PrintWriter log,
      boolean warnIfRandom,
      Device device) {
    SingleStageDetector det =
        warnIfRandom
            ? (SingleStageDetector) ModelLoader.detector(cfg, ctx, checkpoint, log, true)
            : ModelLoader.detector(cfg, ctx, checkpoint, log, SingleStageDetector.class);
    return new OrtDetector(det, ctx.backend(), network(cfg, ctx, checkpoint, log, device));
  }

  /** The cached-export network of a config and checkpoint, run on {@code device}. */
  static OrtNetwork network(
      ResolvedConfig cfg, BuildContext ctx, Path checkpoint, PrintWriter log, Device device) {
    Backend host = ctx.backend();
    Path ckpt = ModelLoader.resolveCheckpoint(cfg, checkpoint);
    String ckptKey = "none";
    if (ckpt != null) {
      try {
        ckptKey =
            ckpt.toAbsolutePath()
                + ":"
                + Files.size(ckpt)
                + ":"
                + Files.getLastModifiedTime(ckpt).toMillis();
      } catch (IOException e) {
        throw new UserError(ckpt + ": cannot read the checkpoint (" + e.getMessage() + ")");
      }
    }
    String cfgJson = dev.detkit.api.config.CfgPrinter.json(cfg.root(), false);
    String label = cfg.file() == null ? "model" : stem(cfg.file());
    String ckptPart = ckptKey;
    ExportCache cache = ExportCache.under(ctx.options().cachePath());
    return new OrtNetwork(
        host,
        ctx.options().ortThreads(),
        shape -> {
          String key =
              ExportCache.key(
                  cfgJson,
                  ckptPart,
                  java.util.Arrays.toString(shape),
                  String.valueOf(DetectorExporter.DEFAULT_OPSET),
                  detkitVersion(),
                  DetectorExporter.buildId());
          return cache.get(
              label,
              key,
              out -> {
                log.println(
                    "exporting the network for input "
                        + java.util.Arrays.toString(shape)
                        + " to "
                        + out);
                log.flush();
                export(
                    cfg, checkpoint, ctx, shape, false, DetectorExporter.DEFAULT_OPSET, out, log);
              });
        },
        device);
  }

  private static String stem(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /** The config an exported file carries ({@code detkit.config}); a foreign file is an error. */
  static ResolvedConfig configOf(Path model) {
    OutputPaths.checkReadable(model, "--model");
    Map<String, String> meta;
    // One thread: only the metadata is read.
    try (var s = OrtNetwork.open(model, 1)) {
      meta = s.getMetadata().getCustomMetadata();
    } catch (BadModelException e) {
      throw new UserError(e.getMessage());
    } catch (ai.onnxruntime.OrtException e) {
      throw new UserError(model + ": cannot read its metadata (" + e.getMessage() + ")");
    }
    if (!ExportMetadata.FORMAT_VALUE.equals(meta.get(ExportMetadata.FORMAT))
        || !meta.containsKey(ExportMetadata.CONFIG)) {
      throw new UserError(
          model
              + ": not a detkit export (its metadata has no "
              + ExportMetadata.FORMAT
              + " = "
              + ExportMetadata.FORMAT_VALUE
              + "); export one with ./detkit export");
    }
    try {
      Path tmp = Files.createTempFile("detkit-model-config", ".json");
      try {
        Files.writeString(tmp, meta.get(ExportMetadata.CONFIG), StandardCharsets.UTF_8);
        return new ConfigLoader().load(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | ConfigException e) {
      throw new UserError(
          model + ": its detkit.config metadata does not load (" + e.getMessage() + ")");
    }
  }

  /** A detector running an exported file, with the head and pipeline its metadata describes. */
  static OrtDetector forModelFile(Path model, ResolvedConfig cfg, BuildContext ctx, Device device) {
    SingleStageDetector det =
        ctx.registry()
            .build(
                ComponentKind.DETECTOR, cfg.map("model"), "model", SingleStageDetector.class, ctx);
    return new OrtDetector(
        det,
        ctx.backend(),
        new OrtNetwork(ctx.backend(), ctx.options().ortThreads(), shape -> model, device));
  }
}
