package dev.detkit.tools;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.data.Pipeline;
import dev.detkit.detectors.RetinaNet;
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
      description = ".safetensors file with an NCHW float32 tensor named 'inputs'.")
  Path input;

  @Option(names = "--stage", defaultValue = "backbone", description = "backbone (default).")
  String stage;

  @Option(
      names = "--backend",
      defaultValue = "djl",
      description = "djl (default), nd4j or libtorch.")
  String backend;

  @Option(names = "--out", required = true, paramLabel = "FILE.safetensors")
  Path out;

  @Override
  public Integer call() {
    if (!stage.equals("backbone") && !stage.equals("neck")) {
      throw new UserError("--stage: expected backbone or neck, got '" + stage + "'");
    }
    PrintWriter log = spec.commandLine().getOut();
    ResolvedConfig cfg = configOptions.loadConfig();
    Backend b = Backends.get(backend);
    Detector det = ModelLoader.detector(cfg, b, null, spec.commandLine().getErr());
    if (!(det instanceof RetinaNet net)) {
      throw new UserError("extract supports detectors built on RetinaNet");
    }
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

  private Tensor inputTensor(ResolvedConfig cfg, RetinaNet net, Backend b) {
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
            new BuildContext(Registry.get(), b));
    DetSample sample = pipeline.load(input.toString(), 0);
    return net.preprocessor().apply(List.of(sample), b).inputs();
  }

  /** The checkpoint's backbone and neck keys, prefixes kept. */
  private static Map<String, TensorData> withoutHead(Map<String, TensorData> sd) {
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
    BackboneAndNeck(RetinaNet net) {
      register("backbone", (Module) net.backbone());
      if (net.neck() != null) {
        register("neck", (Module) net.neck());
      }
    }
  }
}
