package dev.detkit.tools;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Backbone;
import dev.detkit.api.nn.LoadReport;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit extract CONFIG --input FILE --out FILE}: runs the config's backbone on a tensor
 * ({@code inputs}, NCHW float32, from a .safetensors file) and writes its feature maps as {@code
 * backbone.0, backbone.1, ...}.
 */
@Command(
    name = "extract",
    description = "Run the model's backbone on an input tensor and save the features.")
final class ExtractCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG")
  Path config;

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

  @Option(names = "--backend", defaultValue = "djl", description = "djl (default) or nd4j.")
  String backend;

  @Option(names = "--out", required = true, paramLabel = "FILE.safetensors")
  Path out;

  @Option(names = "--cfg-options", arity = "1..*", paramLabel = "KEY=VALUE")
  List<String> cfgOptions = new ArrayList<>();

  @Override
  public Integer call() {
    if (!stage.equals("backbone")) {
      throw new UserError("--stage: '" + stage + "' is not available yet; use backbone");
    }
    PrintWriter log = spec.commandLine().getOut();
    ResolvedConfig cfg = new ConfigLoader().load(config, cfgOptions);
    Backend b = Backends.get(backend);
    Registry registry = Registry.get();
    Map<String, TensorData> inputs = Checkpoints.load(input);
    TensorData x = inputs.get("inputs");
    if (x == null) {
      throw new UserError(
          input + ": no tensor named 'inputs' (found: " + String.join(", ", inputs.keySet()) + ")");
    }
    if (x.shape().rank() != 4) {
      throw new UserError(input + ": 'inputs' must be NCHW, got shape " + x.shape());
    }
    Backbone net =
        registry.build(
            ComponentKind.BACKBONE,
            cfg.map("model.backbone"),
            "model.backbone",
            Backbone.class,
            new BuildContext(registry, b));
    try (Module module = (Module) net) {
      if (checkpoint != null) {
        LoadReport r =
            module.loadStateDict(
                Checkpoints.withPrefix(Checkpoints.load(checkpoint), "backbone"),
                b,
                true,
                checkpoint.toString());
        log.println("loaded " + checkpoint + ": " + r);
      }
      Map<String, TensorData> result = new LinkedHashMap<>();
      long start;
      long end;
      try (TensorScope scope = TensorScope.open()) {
        Tensor t = x.toTensor(b);
        start = System.nanoTime();
        List<Tensor> feats = net.forward(t);
        for (int i = 0; i < feats.size(); i++) {
          result.put("backbone." + i, TensorData.of(feats.get(i)));
        }
        end = System.nanoTime();
      }
      Safetensors.write(out, result, Map.of("format", "pt", "producer", "detkit extract"));
      for (Map.Entry<String, TensorData> e : result.entrySet()) {
        log.println(e.getKey() + " " + e.getValue().shape());
      }
      log.printf(
          "%s: backbone forward %.1f ms on %s; wrote %s%n",
          config.getFileName(), (end - start) / 1e6, b.name(), out);
    }
    return 0;
  }
}
