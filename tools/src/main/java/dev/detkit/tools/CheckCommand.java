package dev.detkit.tools;

import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit check CONFIG}: loads the config and validates every component in it against the
 * registry (types, argument names, value types) without building anything, so mistakes surface
 * before weights or data are touched.
 */
@Command(
    name = "check",
    description = "Validate a config's components against the registry, building nothing.")
final class CheckCommand implements Callable<Integer> {
  @Mixin ConfigOptions configOptions;

  /** Top-level sections and the kind of component each holds. */
  static final List<Section> SECTIONS = List.of(new Section("model", ComponentKind.DETECTOR));

  record Section(String path, ComponentKind kind) {}

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ResolvedConfig cfg = configOptions.loadConfig();
    Registry registry = Registry.get();
    int checked = 0;
    for (Section s : SECTIONS) {
      CfgNode node = cfg.at(s.path());
      if (node == null) {
        continue;
      }
      CfgMap map = cfg.map(s.path());
      registry.validate(new ComponentConfig(s.kind(), map, s.path()));
      checked++;
    }
    spec.commandLine()
        .getOut()
        .println(configOptions.config + ": ok (" + checked + " section(s) checked)");
    return 0;
  }
}
