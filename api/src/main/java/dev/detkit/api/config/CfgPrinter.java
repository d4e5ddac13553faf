package dev.detkit.api.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a config as YAML or JSON, keys in written order; with origins, YAML gets a trailing
 * {@code # file:line} comment per value and JSON a second object mapping dotted keys to origins.
 */
public final class CfgPrinter {
  private CfgPrinter() {}

  /** YAML, block style; lists of scalars in flow style. */
  public static String yaml(CfgMap root, boolean origins) {
    StringBuilder sb = new StringBuilder();
    yamlMap(root, 0, sb, origins);
    return sb.toString();
  }

  private static void yamlMap(CfgMap m, int indent, StringBuilder sb, boolean origins) {
    for (Map.Entry<String, CfgNode> e : m.entries().entrySet()) {
      pad(sb, indent).append(yamlKey(e.getKey())).append(':');
      yamlValue(e.getValue(), indent, sb, origins);
    }
  }

  private static void yamlValue(CfgNode v, int indent, StringBuilder sb, boolean origins) {
    if (v instanceof CfgMap cm && !cm.entries().isEmpty()) {
      comment(sb, v, origins);
      yamlMap(cm, indent + 2, sb, origins);
    } else if (v instanceof CfgList l && !l.items().isEmpty() && !allScalars(l)) {
      comment(sb, v, origins);
      for (CfgNode item : l.items()) {
        pad(sb, indent + 2).append('-');
        if (item instanceof CfgMap im && !im.entries().isEmpty()) {
          // First key on the dash line, the rest aligned under it.
          StringBuilder inner = new StringBuilder();
          yamlMap(im, indent + 4, inner, origins);
          sb.append(' ').append(inner.substring(indent + 4));
        } else {
          yamlValue(item, indent + 2, sb, origins);
        }
      }
    } else {
      sb.append(' ').append(inline(v));
      comment(sb, v, origins);
    }
  }

  private static void comment(StringBuilder sb, CfgNode v, boolean origins) {
    if (origins) {
      sb.append("  # ").append(v.origin());
    }
    sb.append('\n');
  }

  private static boolean allScalars(CfgList l) {
    return l.items().stream()
        .allMatch(i -> i instanceof CfgScalar || (i instanceof CfgList il && allScalars(il)));
  }

  private static String inline(CfgNode v) {
    if (v instanceof CfgMap) {
      return "{}";
    }
    if (v instanceof CfgList l) {
      List<String> parts = new ArrayList<>();
      l.items().forEach(i -> parts.add(inline(i)));
      return "[" + String.join(", ", parts) + "]";
    }
    Object x = ((CfgScalar) v).value();
    if (x == null) {
      return "null";
    }
    if (x instanceof String s) {
      return yamlString(s);
    }
    return number(x);
  }

  private static String number(Object x) {
    if (x instanceof Double d) {
      if (d.isNaN()) {
        return ".nan";
      }
      if (d.isInfinite()) {
        return d > 0 ? ".inf" : "-.inf";
      }
    }
    return String.valueOf(x);
  }

  private static String yamlKey(String k) {
    return k.matches("[A-Za-z_][A-Za-z0-9_.-]*") ? k : jsonString(k);
  }

  /** Plain when YAML would read it back as the same string, else double-quoted. */
  static String yamlString(String s) {
    if (s.isEmpty() || !s.matches("[A-Za-z_./][A-Za-z0-9_./ -]*") || s.endsWith(" ")) {
      return jsonString(s);
    }
    CfgNode back = YamlReader.parse(new java.io.StringReader(s), "<check>");
    return back instanceof CfgScalar b && s.equals(b.value()) ? s : jsonString(s);
  }

  /** JSON (2-space indent); with origins: {@code {"config": ..., "origins": {...}}}. */
  public static String json(CfgMap root, boolean origins) {
    if (!origins) {
      return jsonValue(root, 0) + "\n";
    }
    Map<String, String> flat = new LinkedHashMap<>();
    flatten(root, "", flat);
    StringBuilder sb =
        new StringBuilder("{\n  \"config\": ")
            .append(jsonValue(root, 2))
            .append(",\n  \"origins\": {");
    boolean first = true;
    for (Map.Entry<String, String> e : flat.entrySet()) {
      sb.append(first ? "\n" : ",\n")
          .append("    ")
          .append(jsonString(e.getKey()))
          .append(": ")
          .append(jsonString(e.getValue()));
      first = false;
    }
    return sb.append(first ? "}" : "\n  }").append("\n}\n").toString();
  }

  private static void flatten(CfgNode n, String path, Map<String, String> out) {
    if (n instanceof CfgMap m && !m.entries().isEmpty()) {
      m.entries().forEach((k, v) -> flatten(v, path.isEmpty() ? k : path + "." + k, out));
    } else if (n instanceof CfgList l && !l.items().isEmpty() && !allScalars(l)) {
      for (int i = 0; i < l.size(); i++) {
        flatten(l.get(i), path + "." + i, out);
      }
    } else {
      out.put(path, n.origin().toString());
    }
  }

  private static String jsonValue(CfgNode v, int indent) {
    if (v instanceof CfgMap m) {
      if (m.entries().isEmpty()) {
        return "{}";
      }
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<String, CfgNode> e : m.entries().entrySet()) {
        sb.append(first ? "\n" : ",\n");
        pad(sb, indent + 2)
            .append(jsonString(e.getKey()))
            .append(": ")
            .append(jsonValue(e.getValue(), indent + 2));
        first = false;
      }
      sb.append('\n');
      return pad(sb, indent).append('}').toString();
    }
    if (v instanceof CfgList l) {
      if (allScalars(l)) {
        List<String> parts = new ArrayList<>();
        l.items().forEach(i -> parts.add(jsonValue(i, indent)));
        return "[" + String.join(", ", parts) + "]";
      }
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        sb.append(i == 0 ? "\n" : ",\n");
        pad(sb, indent + 2).append(jsonValue(l.get(i), indent + 2));
      }
      sb.append('\n');
      return pad(sb, indent).append(']').toString();
    }
    Object x = ((CfgScalar) v).value();
    if (x == null) {
      return "null";
    }
    if (x instanceof String s) {
      return jsonString(s);
    }
    if (x instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return jsonString(number(d));
    }
    return String.valueOf(x);
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static StringBuilder pad(StringBuilder sb, int n) {
    for (int i = 0; i < n; i++) {
      sb.append(' ');
    }
    return sb;
  }
}
