package dev.detkit.api.config;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads a config file the way mmengine's {@code Config.fromfile} does, for YAML ({@code .yaml},
 * {@code .yml}), JSON and HOCON ({@code .conf}):
 *
 * <ol>
 *   <li>substitute {@code {{fileDirname}}}, {@code {{fileBasename}}}, {@code
 *       {{fileBasenameNoExtension}}}, {@code {{fileExtname}}} and environment variables {@code
 *       {{$VAR}}} / {@code {{$VAR:default}}} in string values;
 *   <li>load every file of {@code _base_} (one path or an ordered list, relative to the file),
 *       recursively; the same top-level key in two bases is an error;
 *   <li>replace {@code {{_base_.a.b}}} with a deep copy of that value of the merged bases (a whole
 *       string that is only the reference takes the value's type; inside longer text, its text);
 *   <li>merge the file into its bases ({@link CfgMerge}: maps recursively, lists replaced, {@code
 *       _delete_: true}).
 * </ol>
 *
 * <p>Placeholders must be quoted in YAML ({@code '{{$DATA:data/coco}}'}), since a bare {@code {{}
 * starts a YAML flow map.
 */
public final class ConfigLoader {
  /** The key listing a file's bases. */
  public static final String BASE_KEY = "_base_";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]+?)\\s*}}");

  private final Function<String, String> env;

  /** A loader reading the process environment. */
  public ConfigLoader() {
    this(System::getenv);
  }

  /** A loader with its own environment lookup (for tests). */
  public ConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  /** Loads {@code file} and applies {@code cfgOptions} ({@code key=value} strings). */
  public ResolvedConfig load(Path file, List<String> cfgOptions) {
    CfgMap root = loadFile(file.toAbsolutePath().normalize(), new ArrayDeque<>(), null);
    root = (CfgMap) CfgMerge.stripDelete(root);
    for (CfgOptions.Override o : CfgOptions.parse(cfgOptions)) {
      root = CfgOptions.apply(root, o);
    }
    return new ResolvedConfig(file, root);
  }

  /** Loads {@code file} with no overrides. */
  public ResolvedConfig load(Path file) {
    return load(file, List.of());
  }

  private CfgMap loadFile(Path file, Deque<Path> stack, Origin includedFrom) {
    if (stack.contains(file)) {
      List<Path> chain = new ArrayList<>(stack);
      java.util.Collections.reverse(chain);
      chain.add(file);
      throw ConfigException.at(
          includedFrom,
          BASE_KEY,
          "cycle in _base_: "
              + chain.stream()
                  .map(p -> p.getFileName().toString())
                  .collect(Collectors.joining(" -> ")));
    }
    if (Files.isDirectory(file)) {
      throw ConfigException.at(
          includedFrom,
          includedFrom == null ? null : BASE_KEY,
          file + " is a directory; expected a config file (.yaml, .yml, .json or .conf)");
    }
    if (!Files.isRegularFile(file)) {
      throw ConfigException.at(
          includedFrom, includedFrom == null ? null : BASE_KEY, "config file not found: " + file);
    }
    CfgMap raw = read(file);
    raw = (CfgMap) substituteFileAndEnv(raw, file);
    stack.push(file);
    try {
      CfgMap bases = CfgMap.empty(raw.origin());
      Map<String, Path> keyFrom = new LinkedHashMap<>();
      for (CfgScalar base : baseList(raw)) {
        Path basePath = file.getParent().resolve((String) base.value()).normalize();
        CfgMap loaded = loadFile(basePath, stack, base.origin());
        for (Map.Entry<String, CfgNode> e : loaded.entries().entrySet()) {
          Path first = keyFrom.putIfAbsent(e.getKey(), basePath);
          if (first != null) {
            throw ConfigException.at(
                base.origin(),
                e.getKey(),
                "defined in two bases, "
                    + first.getFileName()
                    + " and "
                    + basePath.getFileName()
                    + " (mmengine forbids duplicate keys among bases)");
          }
          bases = bases.with(e.getKey(), e.getValue());
        }
      }
      CfgMap child = raw.without(BASE_KEY);
      child = (CfgMap) substituteBaseRefs(child, bases);
      return CfgMerge.merge(child, bases, "");
    } finally {
      stack.pop();
    }
  }

  /** The path as users wrote it: relative to the working directory when it lies below it. */
  static String display(Path file) {
    Path cwd = Path.of("").toAbsolutePath();
    return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
  }

  private static CfgMap read(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".conf") || name.endsWith(".hocon")) {
      return HoconReader.readFile(file);
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
      return YamlReader.readFile(file);
    }
    throw new ConfigException(
        file + ": unsupported config format; use .yaml, .yml, .json or .conf");
  }

  private static List<CfgScalar> baseList(CfgMap raw) {
    CfgNode b = raw.get(BASE_KEY);
    List<CfgScalar> out = new ArrayList<>();
    if (b == null) {
      return out;
    }
    List<CfgNode> items = b instanceof CfgList l ? l.items() : List.of(b);
    for (CfgNode n : items) {
      if (!(n instanceof CfgScalar s) || !(s.value() instanceof String)) {
        throw ConfigException.at(
            n.origin(), BASE_KEY, "expected a file path or a list of paths, got a " + n.typeName());
      }
      out.add(s);
    }
    return out;
  }

  private CfgNode substituteFileAndEnv(CfgNode n, Path file) {
    return mapStrings(
        n,
        s -> {
          String text = (String) s.value();
          Matcher m = PLACEHOLDER.matcher(text);
          StringBuilder out = new StringBuilder();
          boolean any = false;
          while (m.find()) {
            String expr = m.group(1);
            String rep = predefined(expr, file, s);
            if (rep == null) {
              m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
              continue;
            }
            any = true;
            m.appendReplacement(out, Matcher.quoteReplacement(rep));
          }
          if (!any) {
            return s;
          }
          m.appendTail(out);
          boolean whole = PLACEHOLDER.matcher(text.trim()).matches();
          // A value that was only a placeholder takes the type its text has ("4" -> int).
          return whole
              ? reparse(out.toString(), s.origin())
              : new CfgScalar(out.toString(), s.origin());
        });
  }

  private String predefined(String expr, Path file, CfgScalar at) {
    String base = file.getFileName().toString();
    int dot = base.lastIndexOf('.');
    switch (expr) {
      case "fileDirname":
        return file.getParent().toString();
      case "fileBasename":
        return base;
      case "fileBasenameNoExtension":
        return dot < 0 ? base : base.substring(0, dot);
      case "fileExtname":
        return dot < 0 ? "" : base.substring(dot);
      default:
        break;
    }
    if (expr.startsWith("$")) {
      int colon = expr.indexOf(':');
      String var = colon < 0 ? expr.substring(1) : expr.substring(1, colon);
      String value = env.apply(var);
      if (value != null) {
        return value;
      }
      // mmengine refuses an unset variable whose default is empty, as if it had none.
      if (colon >= 0 && !expr.substring(colon + 1).isBlank()) {
        return expr.substring(colon + 1).strip();
      }
      if (colon >= 0) {
        throw ConfigException.at(
            at.origin(),
            null,
            "environment variable "
                + var
                + " is not set and '{{$"
                + var
                + ":}}' has an empty"
                + " default (mmengine refuses it: set the variable or give a default)");
      }
      throw ConfigException.at(
          at.origin(),
          null,
          "environment variable " + var + " is not set and '{{$" + var + "}}' has no default");
    }
    return null;
  }

  private static CfgNode reparse(String text, Origin origin) {
    CfgNode n = YamlReader.parse(new StringReader(text), origin.source());
    return n == null ? new CfgScalar(null, origin) : withOriginDeep(n, origin);
  }

  private static CfgNode substituteBaseRefs(CfgNode n, CfgMap bases) {
    return mapStrings(
        n,
        s -> {
          String text = (String) s.value();
          Matcher whole = PLACEHOLDER.matcher(text.trim());
          if (whole.matches() && whole.group(1).startsWith(BASE_KEY + ".")) {
            return withOriginDeep(lookup(bases, whole.group(1), s.origin()), s.origin());
          }
          Matcher m = PLACEHOLDER.matcher(text);
          StringBuilder out = new StringBuilder();
          boolean any = false;
          while (m.find()) {
            if (!m.group(1).startsWith(BASE_KEY + ".")) {
              m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
              continue;
            }
            CfgNode v = lookup(bases, m.group(1), s.origin());
            if (!(v instanceof CfgScalar sv)) {
              throw ConfigException.at(
                  s.origin(),
                  null,
                  "'{{"
                      + m.group(1)
                      + "}}' is a "
                      + v.typeName()
                      + " and cannot be part of a longer string");
            }
            any = true;
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(sv.value())));
          }
          if (!any) {
            return s;
          }
          m.appendTail(out);
          return new CfgScalar(out.toString(), s.origin());
        });
  }

  private static CfgNode lookup(CfgMap bases, String ref, Origin at) {
    String[] parts = ref.substring(BASE_KEY.length() + 1).split("\\.");
    CfgNode cur = bases;
    for (String p : parts) {
      if (cur instanceof CfgMap m && m.has(p)) {
        cur = m.get(p);
      } else if (cur instanceof CfgList l && p.matches("\\d+") && Integer.parseInt(p) < l.size()) {
        cur = l.get(Integer.parseInt(p));
      } else {
        throw ConfigException.at(at, null, "'{{" + ref + "}}' refers to nothing in the bases");
      }
    }
    return cur;
  }

  /** Deep copy with every node's origin set to where the reference was written. */
  private static CfgNode withOriginDeep(CfgNode n, Origin o) {
    if (n instanceof CfgMap m) {
      Map<String, CfgNode> out = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> out.put(k, withOriginDeep(v, o)));
      return new CfgMap(out, o);
    }
    if (n instanceof CfgList l) {
      List<CfgNode> out = new ArrayList<>();
      l.items().forEach(v -> out.add(withOriginDeep(v, o)));
      return new CfgList(out, o);
    }
    return n.withOrigin(o);
  }

  private static CfgNode mapStrings(CfgNode n, Function<CfgScalar, CfgNode> f) {
    if (n instanceof CfgMap m) {
      Map<String, CfgNode> out = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> out.put(k, mapStrings(v, f)));
      return new CfgMap(out, m.origin());
    }
    if (n instanceof CfgList l) {
      List<CfgNode> out = new ArrayList<>();
      l.items().forEach(v -> out.add(mapStrings(v, f)));
      return new CfgList(out, l.origin());
    }
    CfgScalar s = (CfgScalar) n;
    return s.value() instanceof String ? f.apply(s) : s;
  }
}
