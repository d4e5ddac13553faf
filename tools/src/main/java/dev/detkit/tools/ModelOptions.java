package dev.detkit.tools;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.tensor.Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options every model-running command shares: config, overrides, checkpoint, backend, layout.
 */
final class ModelOptions {
  @Parameters(
      index = "0",
      paramLabel = "CONFIG",
      description = "Config file (.yaml, .yml, .json, .conf).")
  Path config;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description = "Detector checkpoint (.pth or .safetensors); default: the config's load_from.")
  Path checkpoint;

  @Option(names = "--backend", defaultValue = "djl", description = "djl (default) or nd4j.")
  String backend;

  @Option(
      names = "--layout",
      defaultValue = "nchw",
      description =
          "nchw (default: mmdetection's kernels) or channels_last (faster on DJL; may round differently).")
  String layout;

  @Option(
      names = "--cfg-options",
      arity = "1..*",
      paramLabel = "KEY=VALUE",
      description = "Override config values, mmengine style.")
  List<String> cfgOptions = new ArrayList<>();

  /** The resolved config. */
  ResolvedConfig loadConfig() {
    return new ConfigLoader().load(config, cfgOptions);
  }

  /** Applies {@code --layout} and returns the chosen backend. */
  Backend backend() {
    if (!layout.equals("nchw") && !layout.equals("channels_last")) {
      throw new UserError("--layout: expected nchw or channels_last, got '" + layout + "'");
    }
    System.setProperty("detkit.layout", layout);
    return Backends.get(backend);
  }
}
