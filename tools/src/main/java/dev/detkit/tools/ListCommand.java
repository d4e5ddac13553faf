package dev.detkit.tools;

import dev.detkit.api.backend.BackendException;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./detkit list [KIND]}: registered components and what they offer. */
@Command(name = "list", description = "List registered components of a kind (backend, ...).")
final class ListCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", description = "Component kind, for example 'backend'.")
  String kind;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (kind == null || kind.equals("backend")) {
      listBackends(out);
      return 0;
    }
    throw new UserError("unknown component kind '" + kind + "'; known kinds: backend");
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
