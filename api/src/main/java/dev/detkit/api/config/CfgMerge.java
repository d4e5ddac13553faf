package dev.detkit.api.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mmengine's merge of a child config into its base ({@code Config._merge_a_into_b}): maps merge
 * recursively with the child's keys winning, lists and scalars replace whole, and a child map with
 * {@code _delete_: true} replaces the base map instead of merging into it.
 */
public final class CfgMerge {
  /** The key that makes a child map replace its base. */
  public static final String DELETE_KEY = "_delete_";

  private CfgMerge() {}

  /** Merges {@code child} into {@code base}; {@code path} names the position for errors. */
  public static CfgMap merge(CfgMap child, CfgMap base, String path) {
    Map<String, CfgNode> out = new LinkedHashMap<>(base.entries());
    for (Map.Entry<String, CfgNode> e : child.entries().entrySet()) {
      String key = e.getKey();
      CfgNode v = e.getValue();
      String full = path.isEmpty() ? key : path + "." + key;
      CfgNode old = base.get(key);
      if (v instanceof CfgMap cm && old != null && !deletes(cm)) {
        if (!(old instanceof CfgMap om)) {
          throw ConfigException.at(
              cm.origin(),
              full,
              "is a map here but a "
                  + old.typeName()
                  + " in the base ("
                  + old.origin()
                  + "); add '_delete_: true' to replace it");
        }
        out.put(key, merge(cm, om, full));
      } else {
        out.put(key, stripDelete(v));
      }
    }
    return new CfgMap(out, child.origin());
  }

  private static boolean deletes(CfgMap m) {
    return m.get(DELETE_KEY) instanceof CfgScalar s && Boolean.TRUE.equals(s.value());
  }

  /** Removes every {@code _delete_} key below {@code n}. */
  public static CfgNode stripDelete(CfgNode n) {
    if (n instanceof CfgMap m) {
      Map<String, CfgNode> out = new LinkedHashMap<>();
      m.entries()
          .forEach(
              (k, v) -> {
                if (!k.equals(DELETE_KEY)) {
                  out.put(k, stripDelete(v));
                }
              });
      return new CfgMap(out, m.origin());
    }
    if (n instanceof CfgList l) {
      List<CfgNode> items = new ArrayList<>();
      for (CfgNode i : l.items()) {
        items.add(stripDelete(i));
      }
      return new CfgList(items, l.origin());
    }
    return n;
  }
}
