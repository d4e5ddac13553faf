package dev.detkit.tools;

import dev.detkit.api.config.CfgPrinter;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./detkit print-config CONFIG}: the fully resolved config, optionally with origins. */
@Command(
    name = "print-config",
    description =
        "Print the fully resolved config (bases merged, references and overrides applied).")
final class PrintConfigCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "CONFIG",
      description = "Config file (.yaml, .yml, .json, .conf).")
  Path config;

  @Option(
      names = "--cfg-options",
      arity = "1..*",
      paramLabel = "KEY=VALUE",
      description = "Override settings, mmengine style: model.bbox_head.num_classes=3 a.b=[1,2]")
  List<String> cfgOptions = new ArrayList<>();

  @Option(
      names = "--format",
      defaultValue = "yaml",
      description = "yaml or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--origins", description = "Show the file and line each value came from.")
  boolean origins;

  @Override
  public Integer call() {
    ResolvedConfig cfg = new ConfigLoader().load(config, cfgOptions);
    String text =
        switch (format) {
          case "yaml" -> CfgPrinter.yaml(cfg.root(), origins);
          case "json" -> CfgPrinter.json(cfg.root(), origins);
          default -> throw new UserError("--format: expected yaml or json, got '" + format + "'");
        };
    spec.commandLine().getOut().print(text);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
