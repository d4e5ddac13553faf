package dev.detkit.api.config;

import com.typesafe.config.ConfigException.Parse;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads HOCON ({@code .conf}) files through Typesafe Config, resolving HOCON's own {@code ${...}}
 * substitutions within the file. HOCON objects do not keep key order, so keys come out sorted.
 */
final class HoconReader {
  private HoconReader() {}

  static CfgMap readFile(Path file) {
    try {
      ConfigObject root =
          ConfigFactory.parseFile(
                  file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
              .resolve()
              .root();
      return (CfgMap) convert(root, ConfigLoader.display(file.toAbsolutePath().normalize()));
    } catch (Parse e) {
      throw new ConfigException(file + ": malformed HOCON: " + e.getMessage(), e);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
  }

  private static CfgNode convert(ConfigValue v, String source) {
    Origin o = new Origin(source, Math.max(v.origin().lineNumber(), 0));
    if (v instanceof ConfigObject obj) {
      Map<String, CfgNode> entries = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : new TreeMap<>(obj).entrySet()) {
        entries.put(e.getKey(), convert(e.getValue(), source));
      }
      return new CfgMap(entries, o);
    }
    if (v instanceof ConfigList list) {
      List<CfgNode> items = new ArrayList<>();
      for (ConfigValue item : list) {
        items.add(convert(item, source));
      }
      return new CfgList(items, o);
    }
    Object raw = v.unwrapped();
    if (raw instanceof Integer i) {
      raw = i.longValue();
    } else if (raw instanceof Number n && !(raw instanceof Long) && !(raw instanceof Double)) {
      raw = n.doubleValue();
    }
    return new CfgScalar(raw, o);
  }
}
