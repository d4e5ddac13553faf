package dev.detkit.tools;

import com.google.gson.GsonBuilder;
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
 * order as JSON, and optionally the images with boxes drawn. A bad image is reported and skipped;
 * the exit code is then 2.
 */
@Command(name = "infer", description = "Detect objects in an image or a folder of images.")
final class InferCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions model;

  @Option(names = "--image", required = true, paramLabel = "FILE_OR_DIR")
  Path image;

  @Option(
      names = "--out",
      paramLabel = "FILE.json",
      description = "Write the JSON here (default: standard output).")
  Path out;

  @Option(
      names = "--show-dir",
      paramLabel = "DIR",
      description = "Write each image with its detections drawn, as PNG.")
  Path showDir;

  @Option(
      names = "--score-thr",
      defaultValue = "0",
      description = "Only show and write detections scoring at least this (default 0: all).")
  double scoreThr;

  @Option(names = "--batch-size", defaultValue = "1")
  int batchSize;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (batchSize < 1) {
      throw new UserError("--batch-size must be at least 1");
    }
    List<Path> images = listImages(image);
    ResolvedConfig cfg = model.loadConfig();
    Backend b = model.backend();
    Pipeline pipeline =
        Pipeline.build(
            cfg.at("test_dataloader.dataset.pipeline"),
            "test_dataloader.dataset.pipeline",
            new BuildContext(Registry.get(), b));
    List<String> classes = ModelLoader.classes(cfg);
    if (showDir != null) {
      Files.createDirectories(showDir);
    }
    List<Map<String, Object>> results = new ArrayList<>();
    List<Detections> drawn = new ArrayList<>();
    int failed = 0;
    Detector det = ModelLoader.detector(cfg, b, model.checkpoint, err);
    try {
      List<DetSample> batch = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        try {
          batch.add(pipeline.load(images.get(i).toString(), i));
        } catch (ImageLoadException e) {
          err.println("error: " + e.getMessage());
          failed++;
        }
        if (batch.size() == batchSize || (i == images.size() - 1 && !batch.isEmpty())) {
          List<Detections> dets = det.predict(batch);
          for (int k = 0; k < batch.size(); k++) {
            Detections kept = dets.get(k).withMinScore(scoreThr);
            results.add(record(batch.get(k), kept, classes));
            drawn.add(kept);
          }
          batch.clear();
        }
      }
    } finally {
      if (det instanceof Module m) {
        m.close();
      }
    }
    Object json =
        images.size() == 1 && !Files.isDirectory(image) && results.size() == 1
            ? results.get(0)
            : results;
    String text =
        new GsonBuilder()
            .setPrettyPrinting()
            .serializeSpecialFloatingPointValues()
            .create()
            .toJson(json);
    if (out != null) {
      Files.writeString(out, text + "\n");
    } else {
      spec.commandLine().getOut().println(text);
    }
    if (showDir != null) {
      for (int i = 0; i < results.size(); i++) {
        Path src = Path.of((String) results.get(i).get("image"));
        String name = src.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".png";
        DetectionPainter.paint(src, drawn.get(i), classes, showDir.resolve(name));
      }
    }
    if (failed > 0) {
      err.println(failed + " of " + images.size() + " image(s) failed; the others were processed");
      return DetkitCli.USAGE_ERROR;
    }
    return 0;
  }

  private static List<Path> listImages(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.list(p)) {
        return s.filter(Files::isRegularFile).sorted().toList();
      }
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
