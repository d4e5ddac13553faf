package dev.detkit.api.config;

import java.io.StringReader;

/** Parsing single YAML values (argument defaults, snippets in tests). */
public final class Yaml {
  private Yaml() {}

  /** Parses {@code text} as one YAML value; every node gets {@code origin}. */
  public static CfgNode parseValue(String text, Origin origin) {
    CfgNode n = YamlReader.parse(new StringReader(text), origin.source());
    return n == null ? new CfgScalar(null, origin) : relabel(n, origin);
  }

  /** A node from a plain Java value (String, Number, Boolean, null, List, Map, arrays). */
  public static CfgNode fromJava(Object v, Origin origin) {
    if (v instanceof CfgNode n) {
      return n;
    }
    if (v instanceof java.util.Map<?, ?> m) {
      java.util.Map<String, CfgNode> out = new java.util.LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), fromJava(x, origin)));
      return new CfgMap(out, origin);
    }
    if (v instanceof java.util.List<?> l) {
      java.util.List<CfgNode> out = new java.util.ArrayList<>();
      l.forEach(x -> out.add(fromJava(x, origin)));
      return new CfgList(out, origin);
    }
    if (v instanceof int[] a) {
      return fromJava(java.util.Arrays.stream(a).boxed().toList(), origin);
    }
    if (v instanceof double[] a) {
      return fromJava(java.util.Arrays.stream(a).boxed().toList(), origin);
    }
    return new CfgScalar(v, origin);
  }

  private static CfgNode relabel(CfgNode n, Origin o) {
    if (n instanceof CfgMap m) {
      java.util.Map<String, CfgNode> out = new java.util.LinkedHashMap<>();
      m.entries().forEach((k, v) -> out.put(k, relabel(v, o)));
      return new CfgMap(out, o);
    }
    if (n instanceof CfgList l) {
      java.util.List<CfgNode> out = new java.util.ArrayList<>();
      l.items().forEach(v -> out.add(relabel(v, o)));
      return new CfgList(out, o);
    }
    return n.withOrigin(o);
  }
}
