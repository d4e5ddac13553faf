package dev.detkit.tools;

import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every config-reading command shares: the config file and its overrides. */
class ConfigOptions {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Config file (.yaml, .yml, .json, .conf).")
  Path config;

  @Option(
      names = "--cfg-options",
      arity = "1..*",
      paramLabel = "KEY=VALUE",
      description = "Override settings, mmengine style: model.bbox_head.num_classes=3 a.b=[1,2]")
  List<String> cfgOptions = new ArrayList<>();

  /** The resolved config, overrides applied. */
  ResolvedConfig loadConfig() {
    if (config == null) {
      throw new UserError("missing the CONFIG file (the first argument)");
    }
    return new ConfigLoader().load(config, cfgOptions);
  }
}
