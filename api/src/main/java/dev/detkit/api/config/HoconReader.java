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
 * Reads HOCON ({@code .conf}) files through Typesafe Config with HOCON's own composition switched
 * off, so that every config format has detkit's one set of rules: {@code include} (which would read
 * other files, class-path resources or URLs, i.e. reach the network) is refused in favour of {@code
 * _base_}, and {@code ${...}} substitutions are refused in favour of {@code '{{$VAR}}'} and {@code
 * '{{_base_.a.b}}'}. HOCON objects do not keep key order, so keys come out sorted.
 */
final class HoconReader {
  private HoconReader() {}

  static CfgMap readFile(Path file) {
    try {
      com.typesafe.config.Config parsed =
          ConfigFactory.parseFile(
              file.toFile(),
              ConfigParseOptions.defaults()
                  .setAllowMissing(false)
                  .setIncluder(new RefusingIncluder(file)));
      if (!parsed.isResolved()) {
        throw new ConfigException(
            file
                + ": HOCON substitutions (${...}) are not supported; use '{{$VAR:default}}' for"
                + " environment variables and '{{_base_.a.b}}' or YAML anchors to reuse values");
      }
      ConfigObject root = parsed.root();
      return (CfgMap) convert(root, ConfigLoader.display(file.toAbsolutePath().normalize()));
    } catch (Parse e) {
      throw new ConfigException(file + ": malformed HOCON: " + e.getMessage(), e);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses every {@code include} before anything is opened: the parser asks the includer first,
   * for plain, {@code file()}, {@code classpath()} and {@code url()} includes alike.
   */
  private record RefusingIncluder(Path file)
      implements com.typesafe.config.ConfigIncluder,
          com.typesafe.config.ConfigIncluderFile,
          com.typesafe.config.ConfigIncluderURL,
          com.typesafe.config.ConfigIncluderClasspath {
    @Override
    public com.typesafe.config.ConfigIncluder withFallback(
        com.typesafe.config.ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(com.typesafe.config.ConfigIncludeContext context, String what) {
      throw refuse(what);
    }

    @Override
    public ConfigObject includeFile(
        com.typesafe.config.ConfigIncludeContext context, java.io.File what) {
      throw refuse(what.toString());
    }

    @Override
    public ConfigObject includeURL(
        com.typesafe.config.ConfigIncludeContext context, java.net.URL what) {
      throw refuse(what.toString());
    }

    @Override
    public ConfigObject includeResources(
        com.typesafe.config.ConfigIncludeContext context, String what) {
      throw refuse(what);
    }

    private ConfigException refuse(String what) {
      return new ConfigException(
          file
              + ": HOCON 'include' ("
              + what
              + ") is not supported: list base configs under _base_ (local files only)");
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
