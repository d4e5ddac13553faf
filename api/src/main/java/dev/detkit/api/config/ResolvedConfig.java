package dev.detkit.api.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fully resolved config (bases merged, references and overrides applied), keys in written order,
 * every value with its origin.
 */
public final class ResolvedConfig {
  private final Path file;
  private final CfgMap root;

  public ResolvedConfig(Path file, CfgMap root) {
    this.file = file;
    this.root = root;
  }

  /** The file it was loaded from. */
  public Path file() {
    return file;
  }

  /** The root map. */
  public CfgMap root() {
    return root;
  }

  /** The node at a dotted path ({@code model.backbone.arch}; numbers index lists), or null. */
  public CfgNode at(String path) {
    CfgNode cur = root;
    for (String p : path.split("\\.")) {
      if (cur instanceof CfgMap m) {
        cur = m.get(p);
      } else if (cur instanceof CfgList l && p.matches("\\d+") && Integer.parseInt(p) < l.size()) {
        cur = l.get(Integer.parseInt(p));
      } else {
        return null;
      }
      if (cur == null) {
        return null;
      }
    }
    return cur;
  }

  /** The map at {@code path}, failing with the key named when it is missing or not a map. */
  public CfgMap map(String path) {
    CfgNode n = at(path);
    if (!(n instanceof CfgMap m)) {
      throw ConfigException.at(
          n == null ? new Origin(file.toString(), 0) : n.origin(),
          path,
          n == null ? "missing" : "expected a map, got a " + n.typeName());
    }
    return m;
  }

  /** The config as a Typesafe {@link Config}, each value carrying its file and line. */
  public Config typesafe() {
    return ((com.typesafe.config.ConfigObject) toTypesafe(root)).toConfig();
  }

  private static ConfigValue toTypesafe(CfgNode n) {
    ConfigOrigin origin =
        n.origin().line() > 0
            ? ConfigOriginFactory.newFile(n.origin().source()).withLineNumber(n.origin().line())
            : ConfigOriginFactory.newSimple(n.origin().source());
    Object raw;
    if (n instanceof CfgMap m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.entries().forEach((k, v) -> out.put(k, toTypesafe(v)));
      raw = out;
    } else if (n instanceof CfgList l) {
      List<Object> out = new ArrayList<>();
      l.items().forEach(v -> out.add(toTypesafe(v)));
      raw = out;
    } else {
      raw = ((CfgScalar) n).value();
    }
    return ConfigValueFactory.fromAnyRef(raw).withOrigin(origin);
  }
}
