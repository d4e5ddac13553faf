package dev.detkit.tools;

import dev.detkit.api.backend.BackendException;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.registry.ArgsBinder;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./detkit list [KIND]}: registered components with their arguments and defaults. */
@Command(
    name = "list",
    description = "List registered components (all kinds, or one: backbone, neck, backend, ...).")
final class ListCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "KIND",
      description = "Component kind, for example 'backbone'.")
  String kind;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<ComponentKind> kinds;
    if (kind == null) {
      kinds = Arrays.asList(ComponentKind.values());
    } else {
      try {
        kinds = List.of(ComponentKind.parse(kind));
      } catch (IllegalArgumentException e) {
        throw new UserError(
            "unknown component kind '"
                + kind
                + "'; known kinds: "
                + Arrays.stream(ComponentKind.values())
                    .map(ComponentKind::cliName)
                    .collect(Collectors.joining(", ")));
      }
    }
    Registry registry = Registry.get();
    for (ComponentKind k : kinds) {
      if (k == ComponentKind.BACKEND) {
        listBackends(out);
        continue;
      }
      List<ComponentSpec<?, ?>> specs = registry.specs(k);
      if (specs.isEmpty() && kind == null) {
        continue;
      }
      out.println(k.cliName());
      if (specs.isEmpty()) {
        out.println("  (none registered)");
      }
      java.util.Set<String> provided = providedKeys(registry, k);
      for (ComponentSpec<?, ?> s : specs) {
        out.println("  " + s.name() + " (" + s.qualifiedName() + "): " + s.summary());
        for (RecordComponent rc : s.argsType().getRecordComponents()) {
          Default d = rc.getAnnotation(Default.class);
          String key = ArgsBinder.keyOf(rc);
          String dflt =
              d != null
                  ? " = " + d.value()
                  : provided.contains(key)
                      ? " (may be omitted: the enclosing component sets it from its inputs)"
                      : " (required)";
          out.println("    " + key + ": " + ArgsBinder.describe(rc.getGenericType()) + dflt);
        }
      }
    }
    out.flush();
    return 0;
  }

  /**
   * Keys of {@code kind}'s components that an enclosing component supplies when it builds them (a
   * detector gives its neck {@code in_channels}), as its {@link Kind#provided()} declares.
   */
  private static java.util.Set<String> providedKeys(Registry registry, ComponentKind kind) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (ComponentKind owner : ComponentKind.values()) {
      if (owner == ComponentKind.BACKEND) {
        continue;
      }
      for (ComponentSpec<?, ?> s : registry.specs(owner)) {
        for (RecordComponent rc : s.argsType().getRecordComponents()) {
          Kind k = rc.getAnnotation(Kind.class);
          if (k != null && k.value() == kind) {
            out.addAll(java.util.List.of(k.provided()));
          }
        }
      }
    }
    return out;
  }

  private static void listBackends(PrintWriter out) {
    out.println("backend");
    for (String name : Backends.names()) {
      String marker = name.equals(Backends.DEFAULT) ? " (default)" : "";
      out.println("  " + name + marker + ": " + Backends.factory(name).description());
      try {
        Backend b = Backends.get(name);
        out.println("    version:      " + b.version());
        out.println("    threads:      " + b.threads());
        String caps =
            b.capabilities().stream()
                .map(Capability::name)
                .map(String::toLowerCase)
                .collect(Collectors.joining(", "));
        out.println("    capabilities: inference" + (caps.isEmpty() ? "" : ", " + caps));
        if (!b.limitations().isBlank()) {
          out.println("    lacks:        " + b.limitations());
        }
      } catch (BackendException e) {
        out.println("    unavailable:  " + e.getMessage());
      }
    }
  }
}
