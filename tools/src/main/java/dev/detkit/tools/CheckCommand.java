package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.CfgList;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Detector;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.util.Json;
import dev.detkit.engine.DataloaderCfg;
import dev.detkit.engine.TrainLoopCfg;
import dev.detkit.engine.optim.OptimWrapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit check CONFIG}: validates every section of a config that names registered
 * components — the model, each dataloader's dataset and pipeline, the optimizer, the schedulers,
 * the hooks and the evaluators — against the registry (types, argument names, value types), then
 * builds the model with random weights so that the checks its builders make across components (the
 * neck's inputs against the backbone's levels, the head's strides and channels against the neck's)
 * run too. It loads no data and no weights, and reports every problem it finds.
 */
@Command(
    name = "check",
    description =
        "Validate every component of a config (model, datasets, pipelines, optimizer, schedulers,"
            + " hooks, evaluators) and the model's cross-component checks; report every problem.")
final class CheckCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--backend",
      defaultValue = "djl",
      description = "Backend the model is built on for its cross-component checks (default djl).")
  String backend;

  @Option(
      names = "--no-build",
      description = "Validate the config only; do not build the model (no native library loads).")
  boolean noBuild;

  @Option(
      names = "--format",
      defaultValue = "text",
      description =
          "text (default) or json: {config, ok, checked, model_built, problems: [{file, line, key,"
              + " message}]}.")
  String format;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** One problem: where (file, line, key, when known) and the one-line message. */
  record Problem(String file, Integer line, String key, String message) {
    static Problem of(RuntimeException e) {
      if (e instanceof ConfigException c && c.origin() != null) {
        return new Problem(
            c.origin().source(),
            c.origin().line() > 0 ? c.origin().line() : null,
            c.key(),
            c.getMessage());
      }
      return new Problem(
          null, null, e instanceof ConfigException c ? c.key() : null, e.getMessage());
    }
  }

  @Override
  public Integer call() {
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserError("--format: expected text or json, got '" + format + "'");
    }
    ResolvedConfig cfg = configOptions.loadConfig();
    if (cfg.root().entries().isEmpty()) {
      throw new UserError(configOptions.config + ": the config is empty");
    }
    List<Problem> problems = new ArrayList<>();
    int checked = 0;
    checked += component(cfg, registry, "model", ComponentKind.DETECTOR, problems);
    for (String split : List.of("train", "val", "test")) {
      String dl = split + "_dataloader";
      if (!(cfg.at(dl) instanceof CfgMap)) {
        continue;
      }
      checked +=
          record(problems, () -> registry.bindArgs(DataloaderCfg.class, cfg.map(dl), dl, dl));
      checked += component(cfg, registry, dl + ".dataset", ComponentKind.DATASET, problems);
      checked += list(cfg, registry, dl + ".dataset.pipeline", ComponentKind.TRANSFORM, problems);
      checked += component(cfg, registry, split + "_evaluator", ComponentKind.METRIC, problems);
    }
    if (cfg.at("train_cfg") instanceof CfgMap tc && tc.has("type")) {
      checked +=
          record(
              problems, () -> registry.bindArgs(TrainLoopCfg.class, tc, "train_cfg", "train_cfg"));
    }
    if (cfg.at("optim_wrapper") instanceof CfgMap ow) {
      checked +=
          record(
              problems,
              () ->
                  registry.bindArgs(OptimWrapper.Args.class, ow, "OptimWrapper", "optim_wrapper"));
      checked +=
          component(cfg, registry, "optim_wrapper.optimizer", ComponentKind.OPTIMIZER, problems);
    }
    checked += list(cfg, registry, "param_scheduler", ComponentKind.PARAM_SCHEDULER, problems);
    if (cfg.at("default_hooks") instanceof CfgMap hooks) {
      for (Map.Entry<String, CfgNode> e : hooks.entries().entrySet()) {
        if (e.getValue() instanceof CfgMap) {
          checked +=
              component(cfg, registry, "default_hooks." + e.getKey(), ComponentKind.HOOK, problems);
        }
      }
    }
    checked += list(cfg, registry, "custom_hooks", ComponentKind.HOOK, problems);
    boolean built = false;
    if (problems.isEmpty() && !noBuild && cfg.at("model") instanceof CfgMap) {
      record(problems, () -> buildModel(cfg, registry));
      built = problems.isEmpty();
    }
    PrintWriter err = spec.commandLine().getErr();
    if (format.equals("json")) {
      Map<String, Object> rec = new java.util.LinkedHashMap<>();
      rec.put("config", configOptions.config.toString());
      rec.put("ok", problems.isEmpty());
      rec.put("checked", checked);
      rec.put("model_built", built);
      rec.put("problems", problems);
      spec.commandLine().getOut().println(Json.pretty(rec));
      spec.commandLine().getOut().flush();
      return problems.isEmpty() ? 0 : DetkitCli.USAGE_ERROR;
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("error: " + p.message()));
      if (problems.size() > 1) {
        err.println(
            configOptions.config
                + ": "
                + problems.size()
                + " problem(s) in "
                + checked
                + " checked");
      }
      err.flush();
      return DetkitCli.USAGE_ERROR;
    }
    spec.commandLine()
        .getOut()
        .println(
            configOptions.config
                + ": ok ("
                + checked
                + " component(s) checked"
                + (built ? ", model built" : "")
                + ")");
    return 0;
  }

  private Void buildModel(ResolvedConfig cfg, Registry registry) {
    Detector det =
        registry.build(
            ComponentKind.DETECTOR,
            cfg.map("model"),
            "model",
            Detector.class,
            new BuildContext(registry, backends.get(backend), backends.options()));
    ((Module) det).close();
    return null;
  }

  /** Validates the component map at {@code path}, if present; 1 when it was checked. */
  private static int component(
      ResolvedConfig cfg, Registry registry, String path, ComponentKind kind, List<Problem> out) {
    if (cfg.at(path) == null) {
      return 0;
    }
    if (!(cfg.at(path) instanceof CfgMap map)) {
      out.add(
          Problem.of(
              ConfigException.at(cfg.at(path).origin(), path, "expected a map with a 'type'")));
      return 1;
    }
    return record(
        out,
        () -> {
          registry.validate(new ComponentConfig(kind, map, path));
          return null;
        });
  }

  /** Validates each map of the list (or the single map) at {@code path}; the count checked. */
  private static int list(
      ResolvedConfig cfg, Registry registry, String path, ComponentKind kind, List<Problem> out) {
    CfgNode n = cfg.at(path);
    if (n == null) {
      return 0;
    }
    if (!(n instanceof CfgList l)) {
      return component(cfg, registry, path, kind, out);
    }
    int checked = 0;
    for (int i = 0; i < l.size(); i++) {
      checked += component(cfg, registry, path + "." + i, kind, out);
    }
    return checked;
  }

  /** Runs one check; a user error becomes a problem line. Returns 1 (one thing checked). */
  private static int record(List<Problem> out, java.util.function.Supplier<?> check) {
    try {
      check.get();
    } catch (RuntimeException e) {
      if (!DetkitCli.isUserError(e)) {
        throw e;
      }
      out.add(Problem.of(e));
    }
    return 1;
  }
}
