package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.tensor.Backend;
import dev.detkit.data.DetectionPainter;
import dev.detkit.data.ImageLoadException;
import dev.detkit.data.Pipeline;
import dev.detkit.engine.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit infer CONFIG --checkpoint FILE --image FILE_OR_DIR}: mmdet's inference — the
 * config's test pipeline, the model, post-processing — writing per image the detections in mmdet's
 * order as JSON (always a list of per-image records; JSON Lines for an {@code --out} ending in
 * {@code .jsonl}), and optionally the images with boxes drawn. Results and drawings are written as
 * each batch finishes, so a run that fails or is interrupted keeps what it did. A bad image is
 * reported and skipped; the exit code is then 2.
 */
@Command(name = "infer", description = "Detect objects in an image or a folder of images.")
final class InferCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  /** The file types of a folder that are taken as images (mmdet's IMG_EXTENSIONS). */
  static final List<String> IMAGE_EXTENSIONS =
      List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions model;

  @Option(
      names = "--image",
      required = true,
      paramLabel = "FILE_OR_DIR",
      description =
          "An image file, or a folder whose image files (.jpg .jpeg .png .ppm .bmp .pgm .tif .tiff"
              + " .webp, as mmdetection) are run in name order.")
  Path image;

  @Option(
      names = "--out",
      paramLabel = "FILE.json",
      description =
          "Write the results here as they are produced: a JSON list of per-image records, or JSON"
              + " Lines (one record per line) for a name ending in .jsonl (default: standard"
              + " output).")
  Path out;

  @Option(
      names = "--show-dir",
      paramLabel = "DIR",
      description =
          "Write each image with its detections drawn into DIR, under the image's own file name"
              + " (as mmdetection).")
  Path showDir;

  @Option(
      names = "--score-thr",
      defaultValue = "0",
      description =
          "Keep detections scoring at least this, in [0, 1]; applied after the config's"
              + " model.test_cfg.score_thr, which filters first (default ${DEFAULT-VALUE}: keep"
              + " what test_cfg keeps).")
  double scoreThr;

  @Option(
      names = "--model",
      paramLabel = "MODEL.onnx",
      description =
          "Run a file written by ./detkit export in ONNX Runtime, with the config it carries"
              + " (then no CONFIG or --checkpoint).")
  Path onnxModel;

  @Option(
      names = "--batch-size",
      defaultValue = "1",
      description =
          "Images per forward pass (default ${DEFAULT-VALUE}). Above 1, images of different sizes"
              + " are padded to a common size and the padding reaches EfficientNet's"
              + " squeeze-excite pooling, so detections can differ slightly from batch 1 (as in"
              + " mmdetection).")
  int batchSize;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (batchSize < 1) {
      throw new UserError("--batch-size must be at least 1, got " + batchSize);
    }
    if (!(scoreThr >= 0 && scoreThr <= 1)) {
      throw new UserError("--score-thr: expected a score in [0, 1], got " + scoreThr);
    }
    List<Path> images = listImages(image);
    OutputPaths.checkFile(out, "--out");
    OutputPaths.prepareDir(showDir, "--show-dir");
    if (onnxModel != null && (model.config != null || model.checkpoint != null)) {
      throw new UserError(
          "--model carries its config and weights: give CONFIG or --model, not both");
    }
    ResolvedConfig cfg = onnxModel != null ? OnnxModels.configOf(onnxModel) : model.loadConfig();
    Backend b = model.backend(backends, onnxModel != null || model.onnxRuntime());
    model.precision(b, err);
    BuildContext ctx = model.context(registry, backends, b);
    Pipeline pipeline =
        Pipeline.build(
            cfg.at("test_dataloader.dataset.pipeline"), "test_dataloader.dataset.pipeline", ctx);
    List<String> classes = ModelLoader.classes(cfg);
    int failed = 0;
    Detector det =
        onnxModel != null
            ? OnnxModels.forModelFile(onnxModel, cfg, ctx, model.device())
            : model.onnxRuntime()
                ? OnnxModels.forConfig(cfg, ctx, model.checkpoint, err, true, model.device())
                : ModelLoader.detector(cfg, ctx, model.checkpoint, err, true);
    model.applyPrecision(det, b, err);
    try (RecordWriter results =
        out != null
            ? RecordWriter.toFile(out)
            : RecordWriter.toStream(spec.commandLine().getOut())) {
      Progress progress =
          images.size() > 1 ? new Progress(err, "infer", images.size(), ctx.options()) : null;
      List<DetSample> batch = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        try {
          batch.add(pipeline.load(images.get(i).toString(), i));
        } catch (ImageLoadException e) {
          err.println((progress != null ? "\n" : "") + "error: " + e.getMessage());
          failed++;
        }
        boolean last = i == images.size() - 1;
        if (!batch.isEmpty() && (batch.size() == batchSize || last)) {
          failed += runBatch(det, batch, classes, results, err);
          batch.clear();
        }
        if (progress != null) {
          progress.step();
        }
      }
      if (progress != null) {
        progress.done();
      }
    } finally {
      close(det);
    }
    if (failed > 0) {
      err.println(
          failed == images.size()
              ? "every image (" + failed + ") failed"
              : failed
                  + " of "
                  + images.size()
                  + " images failed (reported above); the other "
                  + (images.size() - failed)
                  + " were processed"
                  + (out != null ? " and are in " + out : ""));
      return DetkitCli.USAGE_ERROR;
    }
    return 0;
  }

  /** Frees a detector's native memory (an ONNX Runtime one also closes its sessions). */
  static void close(Detector det) {
    if (det instanceof dev.detkit.onnxruntime.OrtDetector o) {
      o.close();
    } else {
      ((Module) det).close();
    }
  }

  /** Detects, writes and draws one batch; returns how many of its drawings failed. */
  private int runBatch(
      Detector det,
      List<DetSample> batch,
      List<String> classes,
      RecordWriter results,
      PrintWriter err) {
    List<Detections> dets = det.predict(batch);
    int failed = 0;
    for (int k = 0; k < batch.size(); k++) {
      Detections kept = dets.get(k).withMinScore(scoreThr);
      results.add(record(batch.get(k), kept, classes));
      if (showDir != null) {
        Path src = Path.of(batch.get(k).meta().path());
        try {
          DetectionPainter.paint(src, kept, classes, showDir.resolve(drawingName(src)));
        } catch (ImageLoadException e) {
          err.println("error: " + e.getMessage());
          failed++;
        }
      }
    }
    return failed;
  }

  /**
   * The drawing's file name: the image's own (mmdetection keeps the basename, so {@code a.jpg} and
   * {@code a.png} stay apart), with {@code .png} added where OpenCV cannot write that type.
   */
  static String drawingName(Path image) {
    String name = image.getFileName().toString();
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return IMAGE_EXTENSIONS.stream().anyMatch(lower::endsWith) ? name : name + ".png";
  }

  private static List<Path> listImages(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      List<Path> images;
      try (Stream<Path> s = Files.list(p)) {
        images =
            s.filter(Files::isRegularFile)
                .filter(
                    f -> {
                      String n = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                      return IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith);
                    })
                .sorted()
                .toList();
      }
      if (images.isEmpty()) {
        throw new UserError(
            "--image "
                + p
                + ": the folder holds no image files ("
                + String.join(" ", IMAGE_EXTENSIONS)
                + ")");
      }
      return images;
    }
    if (!Files.exists(p)) {
      throw new UserError("--image " + p + ": file not found");
    }
    return List.of(p);
  }

  private static Map<String, Object> record(DetSample s, Detections d, List<String> classes) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("image", s.meta().path());
    r.put("ori_shape", s.meta().oriShape());
    r.put("img_shape", s.meta().imgShape());
    List<Map<String, Object>> dets = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      Map<String, Object> o = new LinkedHashMap<>();
      float[] b = d.boxes();
      o.put("bbox", new double[] {b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]});
      o.put("score", (double) d.scores()[i]);
      o.put("label", d.labels()[i]);
      o.put(
          "class",
          d.labels()[i] < classes.size()
              ? classes.get(d.labels()[i])
              : String.valueOf(d.labels()[i]));
      dets.add(o);
    }
    r.put("detections", dets);
    return r;
  }
}
