package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.nn.FlopCounter;
import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.api.util.Json;
import dev.detkit.detectors.SingleStageDetector;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit flops CONFIG [--shape H W]}: parameters and FLOPs per module for one input of H x
 * W (default 896 x 896, the network input after padding), counted as mmdet's get_flops does (one
 * multiply-add = one FLOP), with the ops that are not counted listed.
 */
@Command(
    name = "flops",
    description = "Count parameters and FLOPs per module (mmdet/fvcore convention).")
final class FlopsCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--shape",
      arity = "2",
      paramLabel = "H W",
      hideParamSyntax = true,
      description = "Network input size (default 896 896).")
  int[] shape = {896, 896};

  @Option(
      names = "--depth",
      defaultValue = "2",
      description = "Module name depth of the table (default ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--format",
      defaultValue = "text",
      description =
          "text (default) or json: {config, input_shape, modules: [{module, flops, params}], total_flops,"
              + " params, by_op, not_counted}.")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    InputShape.check(shape);
    if (depth < 0) {
      throw new UserError("--depth: expected 0 or more, got " + depth);
    }
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserError("--format: expected text or json, got '" + format + "'");
    }
    ResolvedConfig cfg = configOptions.loadConfig();
    Backend b = backends.get("djl");
    SingleStageDetector net =
        ModelLoader.detector(
            cfg,
            new BuildContext(registry, b, backends.options()),
            null,
            spec.commandLine().getErr(),
            SingleStageDetector.class);
    try (FlopCounter counter = FlopCounter.open();
        TensorScope scope = TensorScope.open()) {
      net.forward(b.zeros(DType.FLOAT32, 1, 3, shape[0], shape[1]));
      if (format.equals("json")) {
        out.println(json(counter, net));
        out.flush();
        return 0;
      }
      out.printf(Locale.ROOT, "%s, input 1x3x%dx%d%n", configOptions.config, shape[0], shape[1]);
      out.printf(Locale.ROOT, "%-34s %14s %10s%n", "module", "GFLOPs", "params");
      Map<String, Long> flops = counter.byModule(net, depth);
      Map<String, Module> modules = net.namedModules();
      for (Map.Entry<String, Long> e : flops.entrySet()) {
        Module m = modules.get(e.getKey());
        out.printf(
            Locale.ROOT,
            "%-34s %14.3f %10s%n",
            e.getKey(),
            e.getValue() / 1e9,
            m == null ? "" : String.format(Locale.ROOT, "%,d", m.parameterCount()));
      }
      out.printf(
          Locale.ROOT,
          "%-34s %14.3f %,10d%n",
          "total",
          counter.total() / 1e9,
          net.parameterCount());
      out.println("by op: " + counter.byOp());
      out.println("not counted (as in fvcore): " + FlopCounter.NOT_COUNTED);
    } finally {
      net.close();
    }
    return 0;
  }

  /** The table as JSON: per-module multiply-adds and parameters, the totals, what is uncounted. */
  private String json(FlopCounter counter, SingleStageDetector net) {
    Map<String, Object> rec = new java.util.LinkedHashMap<>();
    rec.put("config", configOptions.config.toString());
    rec.put("input_shape", new int[] {1, 3, shape[0], shape[1]});
    rec.put("convention", "one multiply-add = one FLOP (mmdet's get_flops, fvcore)");
    java.util.List<Map<String, Object>> modules = new java.util.ArrayList<>();
    Map<String, Module> named = net.namedModules();
    counter
        .byModule(net, depth)
        .forEach(
            (name, f) -> {
              Map<String, Object> m = new java.util.LinkedHashMap<>();
              m.put("module", name);
              m.put("flops", f);
              Module mod = named.get(name);
              if (mod != null) {
                m.put("params", mod.parameterCount());
              }
              modules.add(m);
            });
    rec.put("modules", modules);
    rec.put("total_flops", counter.total());
    rec.put("params", net.parameterCount());
    rec.put("by_op", counter.byOp());
    rec.put("not_counted", FlopCounter.NOT_COUNTED);
    return Json.pretty(rec);
  }
}
