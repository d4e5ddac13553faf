package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.BackendException;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.registry.ArgsBinder;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.DidYouMean;
import dev.detkit.api.registry.Kind;
import dev.detkit.api.registry.ParamDocs;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Capability;
import dev.detkit.api.util.Json;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit list [KIND | NAME]}: registered components with their arguments and defaults; a
 * component's name shows that one in full with an example config snippet.
 */
@Command(
    name = "list",
    description =
        "List registered components (all kinds, or one: backbone, neck, backend, ...), or show one"
            + " component (by name, e.g. FPN) in full.")
final class ListCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "KIND|NAME",
      description = "A component kind ('backbone', 'neck', ...) or a component's name ('FPN').")
  String kind;

  @Option(
      names = "--format",
      defaultValue = "text",
      description =
          "text (default) or json: per kind, per component {name, qualified_name, summary,"
              + " arguments: [{key, type, default, required, set_by_owner, doc}]}.")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!format.equals("text") && !format.equals("json")) {
      throw new UserError("--format: expected text or json, got '" + format + "'");
    }
    if (kind != null && !isKind(kind)) {
      return showComponent(registry, kind, out);
    }
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
    if (format.equals("json")) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (ComponentKind k : kinds) {
        if (k == ComponentKind.BACKEND) {
          all.put(k.cliName(), backends.names());
          continue;
        }
        java.util.Set<String> provided = providedKeys(registry, k);
        all.put(k.cliName(), registry.specs(k).stream().map(s -> describe(s, provided)).toList());
      }
      out.println(Json.prettyWithNulls(all));
      out.flush();
      return 0;
    }
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
          printDoc(rc, "        ", out);
        }
      }
    }
    out.flush();
    return 0;
  }

  /** The argument's meaning, from its record's Javadoc {@code @param} tag. */
  private static void printDoc(RecordComponent rc, String indent, PrintWriter out) {
    String doc = ParamDocs.of(rc.getDeclaringRecord()).get(rc.getName());
    if (doc != null) {
      out.println(indent + doc);
    }
  }

  /**
   * Below an argument whose type is a documented record (norm_cfg, train_cfg, test_cfg, lists or
   * maps of records), that record's fields with their types, defaults and meanings; below a
   * component-typed argument (a loss, the anchor generator), the fields of the component its
   * default names. Nested records are expanded in turn; {@code seen} stops a record that contains
   * itself.
   */
  private void printNested(
      RecordComponent rc, String indent, PrintWriter out, java.util.Set<Class<?>> seen) {
    Class<?> record = nestedRecord(rc);
    if (record == null) {
      return;
    }
    String type = componentDefault(rc);
    if (type != null) {
      out.println(
          indent + "fields of " + type + " (values set in the default above override these):");
      indent += "  ";
    }
    printFields(record, indent, out, seen);
  }

  /** The record whose fields explain {@code rc} (its type, or its default component's Args). */
  private Class<?> nestedRecord(RecordComponent rc) {
    Class<?> record = recordOf(rc.getGenericType());
    if (record != null) {
      return record;
    }
    String type = componentDefault(rc);
    if (type == null) {
      return null;
    }
    for (ComponentSpec<?, ?> spec : registry.specs(rc.getAnnotation(Kind.class).value())) {
      if ((spec.name().equals(type) || spec.qualifiedName().equals(type))
          && spec.argsType().getRecordComponents().length > 0) {
        return spec.argsType();
      }
    }
    return null;
  }

  /** The {@code type} a component-typed argument's default names, or null. */
  private static String componentDefault(RecordComponent rc) {
    Default d = rc.getAnnotation(Default.class);
    if (rc.getAnnotation(Kind.class) == null || d == null) {
      return null;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("type:\\s*([\\w.]+)").matcher(d.value());
    return m.find() ? m.group(1) : null;
  }

  /** As {@link #printFields}, for {@code list NAME --format json}. */
  private List<Map<String, Object>> fieldsJson(Class<?> record, java.util.Set<Class<?>> seen) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (!seen.add(record)) {
      return out;
    }
    for (RecordComponent f : record.getRecordComponents()) {
      Default d = f.getAnnotation(Default.class);
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("key", ArgsBinder.keyOf(f));
      a.put("type", ArgsBinder.describe(f.getGenericType()));
      a.put("default", d == null ? null : d.value());
      a.put("required", d == null);
      a.put("doc", ParamDocs.of(f.getDeclaringRecord()).get(f.getName()));
      nestedJson(f, a, seen);
      out.add(a);
    }
    seen.remove(record);
    return out;
  }

  /** Adds {@code fields} (and {@code fields_of}, for a component's default) to an argument. */
  private void nestedJson(
      RecordComponent rc, Map<String, Object> arg, java.util.Set<Class<?>> seen) {
    Class<?> record = nestedRecord(rc);
    if (record != null) {
      String type = componentDefault(rc);
      if (type != null) {
        arg.put("fields_of", type);
      }
      arg.put("fields", fieldsJson(record, seen));
    }
  }

  private void printFields(
      Class<?> record, String indent, PrintWriter out, java.util.Set<Class<?>> seen) {
    if (!seen.add(record)) {
      return;
    }
    for (RecordComponent f : record.getRecordComponents()) {
      Default d = f.getAnnotation(Default.class);
      out.println(
          indent
              + ArgsBinder.keyOf(f)
              + ": "
              + ArgsBinder.describe(f.getGenericType())
              + (d != null ? " = " + d.value() : " (required)"));
      printDoc(f, indent + "    ", out);
      printNested(f, indent + "    ", out, seen);
    }
    seen.remove(record);
  }

  /** The record a type is, or holds as list element or map value; null for any other type. */
  private static Class<?> recordOf(java.lang.reflect.Type t) {
    if (t instanceof Class<?> c) {
      // a ComponentConfig is a nested component's map, shown through the component instead
      return c.isRecord() && c != dev.detkit.api.registry.ComponentConfig.class ? c : null;
    }
    if (t instanceof java.lang.reflect.ParameterizedType p) {
      java.lang.reflect.Type[] args = p.getActualTypeArguments();
      return args.length == 0 ? null : recordOf(args[args.length - 1]);
    }
    return null;
  }

  private static boolean isKind(String text) {
    try {
      ComponentKind.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** One component in full: its arguments with types and defaults, and an example snippet. */
  private int showComponent(Registry registry, String name, PrintWriter out) {
    List<ComponentSpec<?, ?>> found = new ArrayList<>();
    List<String> known = new ArrayList<>();
    for (ComponentKind k : ComponentKind.values()) {
      if (k == ComponentKind.BACKEND) {
        continue;
      }
      for (ComponentSpec<?, ?> s : registry.specs(k)) {
        known.add(s.name());
        if (s.name().equals(name) || s.qualifiedName().equals(name)) {
          found.add(s);
        }
      }
    }
    if (found.isEmpty()) {
      throw new UserError(
          "unknown component kind or name '"
              + name
              + "'"
              + DidYouMean.hint(name, known)
              + " (kinds: "
              + Arrays.stream(ComponentKind.values())
                  .map(ComponentKind::cliName)
                  .collect(Collectors.joining(", "))
              + ")");
    }
    if (format.equals("json")) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (ComponentSpec<?, ?> s : found) {
        Map<String, Object> d = describe(s, providedKeys(registry, s.kind()));
        d.put("kind", s.kind().cliName());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> args = (List<Map<String, Object>>) d.get("arguments");
        RecordComponent[] rcs = s.argsType().getRecordComponents();
        for (int i = 0; i < rcs.length; i++) {
          nestedJson(rcs[i], args.get(i), new java.util.HashSet<>());
        }
        list.add(d);
      }
      out.println(Json.prettyWithNulls(list));
      out.flush();
      return 0;
    }
    for (ComponentSpec<?, ?> s : found) {
      java.util.Set<String> provided = providedKeys(registry, s.kind());
      out.println(s.name() + " (" + s.kind().cliName() + ", " + s.qualifiedName() + ")");
      out.println("  " + s.summary());
      out.println("  arguments:");
      StringBuilder example = new StringBuilder("  type: " + s.name() + "\n");
      for (RecordComponent rc : s.argsType().getRecordComponents()) {
        Default d = rc.getAnnotation(Default.class);
        String key = ArgsBinder.keyOf(rc);
        String type = ArgsBinder.describe(rc.getGenericType());
        out.println(
            "    "
                + key
                + ": "
                + type
                + (d != null
                    ? " = " + d.value()
                    : provided.contains(key)
                        ? " (may be omitted: the enclosing component sets it from its inputs)"
                        : " (required)"));
        printDoc(rc, "        ", out);
        printNested(rc, "        ", out, new java.util.HashSet<>());
        if (d == null && !provided.contains(key)) {
          example.append("  ").append(key).append(": <").append(type).append(">\n");
        }
      }
      out.println("  example (the required arguments; every other takes its default):");
      out.print(example.toString().replaceAll("(?m)^", "  "));
    }
    out.flush();
    return 0;
  }

  private static Map<String, Object> describe(
      ComponentSpec<?, ?> s, java.util.Set<String> provided) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("qualified_name", s.qualifiedName());
    m.put("summary", s.summary());
    List<Map<String, Object>> args = new ArrayList<>();
    for (RecordComponent rc : s.argsType().getRecordComponents()) {
      Default d = rc.getAnnotation(Default.class);
      String key = ArgsBinder.keyOf(rc);
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("key", key);
      a.put("type", ArgsBinder.describe(rc.getGenericType()));
      a.put("default", d == null ? null : d.value());
      a.put("required", d == null && !provided.contains(key));
      a.put("set_by_owner", d == null && provided.contains(key));
      a.put("doc", ParamDocs.of(rc.getDeclaringRecord()).get(rc.getName()));
      args.add(a);
    }
    m.put("arguments", args);
    return m;
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

  private void listBackends(PrintWriter out) {
    out.println("backend");
    for (String name : backends.names()) {
      String marker = name.equals(backends.options().backend()) ? " (default)" : "";
      out.println("  " + name + marker + ": " + backends.factory(name).description());
      try {
        Backend b = backends.get(name);
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
