package dev.detkit.tools;

import dev.detkit.api.config.CfgPrinter;
import dev.detkit.api.config.ResolvedConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./detkit print-config CONFIG}: the fully resolved config, optionally with origins. */
@Command(
    name = "print-config",
    description =
        "Print the fully resolved config (bases merged, references and overrides applied).")
final class PrintConfigCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--format",
      defaultValue = "yaml",
      description = "yaml or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--origins", description = "Show the file and line each value came from.")
  boolean origins;

  @Override
  public Integer call() {
    ResolvedConfig cfg = configOptions.loadConfig();
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
