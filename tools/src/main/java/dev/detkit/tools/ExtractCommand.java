package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.data.Pipeline;
import dev.detkit.detectors.SingleStageDetector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit extract CONFIG --input FILE --out FILE}: runs the model's backbone (or backbone
 * and neck) on a tensor ({@code inputs}, NCHW float32, from a .safetensors file) or on an image
 * through the config's test pipeline and data preprocessor, and writes the feature maps as {@code
 * backbone.0, backbone.1, ...} (or {@code neck.0, ...}).
 */
@Command(
    name = "extract",
    description = "Run the model's backbone on an input tensor and save the features.")
final class ExtractCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description =
          "Detector checkpoint (.pth or .safetensors); keys under 'backbone.' are loaded strictly.")
  Path checkpoint;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description =
          "A .safetensors file with an NCHW float32 tensor named 'inputs' (the data"
              + " preprocessor's output), or an image file, run through the config's test pipeline"
              + " and data preprocessor.")
  Path input;

  @Option(
      names = "--stage",
      defaultValue = "backbone",
      description =
          "backbone (default): the backbone's feature maps; neck: backbone then neck; head: the"
              + " head's raw outputs by mmdetection's names; detections: det.{i}.bboxes/scores/labels"
              + " per image (needs --img-meta for a tensor input); loss: each loss as loss.<key>"
              + " and loss.total (needs --gt and --img-meta).")
  String stage;

  @Option(
      names = "--from",
      paramLabel = "neck",
      description =
          "Feed stored neck features (neck.0, neck.1, ... in --input) straight into the head;"
              + " only the head's keys are loaded from --checkpoint (strictly).")
  String from;

  @Option(
      names = "--img-meta",
      paramLabel = "JSON",
      description =
          "Image metas for detections/loss: an object or a list of objects per image with"
              + " mmdetection's keys img_shape, pad_shape, ori_shape, scale_factor (w, h),"
              + " batch_input_shape (a JSON string or a .json file).")
  String imgMeta;

  @Option(
      names = "--gt",
      paramLabel = "JSON",
      description =
          "Ground truth for --stage loss: a list per image of {\"bboxes\": [[x1,y1,x2,y2],...],"
              + " \"labels\": [...]} in input pixels, 0-based labels (a JSON string or a .json"
              + " file).")
  String gt;

  @Option(
      names = "--backend",
      defaultValue = "djl",
      description = "djl (default), nd4j or libtorch.")
  String backend;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.safetensors",
      description =
          "The .safetensors to write: backbone.{l} or neck.{l} feature maps, or the head stages'"
              + " tensors (cls_scores.{l}, bbox_preds.{l}, det.{i}.*, loss.*).")
  Path out;

  static final List<String> STAGES = List.of("backbone", "neck", "head", "detections", "loss");

  @Override
  public Integer call() {
    if (!STAGES.contains(stage)) {
      throw new UserError("--stage: expected one of " + STAGES + ", got '" + stage + "'");
    }
    if (from != null && !from.equals("neck")) {
      throw new UserError("--from: expected neck, got '" + from + "'");
    }
    if (from != null && (stage.equals("backbone") || stage.equals("neck"))) {
      throw new UserError("--from neck feeds the head: use --stage head, detections or loss");
    }
    if (stage.equals("loss") && gt == null) {
      throw new UserError("--stage loss needs --gt");
    }
    OutputPaths.checkReadable(input, "--input");
    OutputPaths.checkReadable(checkpoint, "--checkpoint");
    OutputPaths.checkFile(out, "--out");
    if (HeadStages.isHeadStage(stage)) {
      return new HeadStages(this).run();
    }
    PrintWriter log = spec.commandLine().getOut();
    ResolvedConfig cfg = configOptions.loadConfig();
    Backend b = backends.get(backend);
    SingleStageDetector net =
        ModelLoader.detector(
            cfg,
            new BuildContext(registry, b, backends.options()),
            null,
            spec.commandLine().getErr(),
            SingleStageDetector.class);
    try (net) {
      if (checkpoint != null) {
        Map<String, TensorData> sd = Checkpoints.load(checkpoint);
        Module target = stage.equals("backbone") ? (Module) net.backbone() : net;
        Map<String, TensorData> part =
            stage.equals("backbone") ? Checkpoints.withPrefix(sd, "backbone") : withoutHead(sd);
        Module loadInto = stage.equals("backbone") ? target : new BackboneAndNeck(net);
        LoadReport r = loadInto.loadStateDict(part, b, true, checkpoint.toString());
        log.println("loaded " + checkpoint + ": " + r);
      }
      Map<String, TensorData> result = new LinkedHashMap<>();
      long start;
      long end;
      try (TensorScope scope = TensorScope.open()) {
        Tensor t = inputTensor(cfg, net, b);
        start = System.nanoTime();
        List<Tensor> feats = net.backbone().forward(t);
        if (stage.equals("neck")) {
          if (net.neck() == null) {
            throw new UserError(configOptions.config + ": the model has no neck");
          }
          feats = net.neck().forward(feats);
        }
        feats.get(feats.size() - 1).toFloatArray();
        end = System.nanoTime();
        for (int i = 0; i < feats.size(); i++) {
          result.put(stage + "." + i, TensorData.of(feats.get(i)));
        }
      }
      Safetensors.write(out, result, Map.of("format", "pt", "producer", "detkit extract"));
      for (Map.Entry<String, TensorData> e : result.entrySet()) {
        log.println(e.getKey() + " " + e.getValue().shape());
      }
      log.printf(
          "%s: %s forward %.1f ms on %s; wrote %s%n",
          configOptions.config.getFileName(), stage, (end - start) / 1e6, b.name(), out);
    }
    return 0;
  }

  Tensor inputTensor(ResolvedConfig cfg, SingleStageDetector net, Backend b) {
    String name = input.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".safetensors")) {
      Map<String, TensorData> inputs = Checkpoints.load(input);
      TensorData x = inputs.get("inputs");
      if (x == null) {
        throw new UserError(
            input
                + ": no tensor named 'inputs' (found: "
                + String.join(", ", inputs.keySet())
                + ")");
      }
      if (x.shape().rank() != 4) {
        throw new UserError(input + ": 'inputs' must be NCHW, got shape " + x.shape());
      }
      return x.toTensor(b);
    }
    Pipeline pipeline =
        Pipeline.build(
            cfg.at("test_dataloader.dataset.pipeline"),
            "test_dataloader.dataset.pipeline",
            new BuildContext(registry, b, backends.options()));
    DetSample sample = pipeline.load(input.toString(), 0);
    return net.preprocessor().apply(List.of(sample), b).inputs();
  }

  /** The checkpoint's backbone and neck keys, prefixes kept. */
  static Map<String, TensorData> withoutHead(Map<String, TensorData> sd) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    sd.forEach(
        (k, v) -> {
          if (k.startsWith("backbone.") || k.startsWith("neck.")) {
            out.put(k, v);
          }
        });
    return out;
  }

  /** A view of a detector's backbone and neck under their state-dict prefixes. */
  private static final class BackboneAndNeck extends Module {
    BackboneAndNeck(SingleStageDetector net) {
      register("backbone", (Module) net.backbone());
      if (net.neck() != null) {
        register("neck", (Module) net.neck());
      }
    }
  }
}
