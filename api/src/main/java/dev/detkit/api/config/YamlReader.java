package dev.detkit.api.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML (and JSON, its subset) into {@link CfgNode}s that remember file and line. Anchors and
 * aliases are copied where used; {@code <<} merge keys are honoured; duplicate keys are an error.
 */
final class YamlReader {
  /** Aliases of maps and lists one document may use. */
  static final int MAX_ALIASES = 2000;

  private final String source;
  private final Map<Node, Boolean> active = new IdentityHashMap<>();

  private YamlReader(String source) {
    this.source = source;
  }

  /** Parses a whole file; the top level must be a map (or empty). */
  static CfgMap readFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config file: " + e.getMessage(), e);
    }
    String src = ConfigLoader.display(file.toAbsolutePath().normalize());
    CfgNode root = parse(new StringReader(text), src);
    if (root == null) {
      return CfgMap.empty(new Origin(src, 1));
    }
    if (!(root instanceof CfgMap m)) {
      throw ConfigException.at(
          root.origin(), null, "a config file must be a map of keys, got a " + root.typeName());
    }
    return m;
  }

  /** Parses one YAML value (a default, a --cfg-options value); returns null for empty text. */
  static CfgNode parse(Reader reader, String source) {
    Node node;
    try {
      LoaderOptions opts = new LoaderOptions();
      opts.setAllowDuplicateKeys(false);
      // SnakeYAML's default of 50 refuses ordinary configs that reuse an anchored map often;
      // the limit still stops exponential "billion laughs" documents, which need far more.
      opts.setMaxAliasesForCollections(MAX_ALIASES);
      node = new Yaml(opts).compose(reader);
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = m == null ? 0 : m.getLine() + 1;
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw new ConfigException(
          new Origin(source, line) + ": malformed YAML: " + problem.lines().findFirst().orElse(""),
          e);
    } catch (YAMLException e) {
      if (String.valueOf(e.getMessage()).contains("Number of aliases")) {
        throw new ConfigException(
            source
                + ": more than "
                + MAX_ALIASES
                + " YAML aliases (*name) to maps or lists; refused as a guard against"
                + " exponentially expanding documents",
            e);
      }
      throw new ConfigException(source + ": malformed YAML: " + e.getMessage(), e);
    }
    return node == null ? null : new YamlReader(source).convert(node);
  }

  private Origin origin(Node n) {
    return new Origin(source, n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1);
  }

  private CfgNode convert(Node n) {
    if (active.put(n, Boolean.TRUE) != null) {
      throw ConfigException.at(origin(n), null, "recursive YAML alias");
    }
    try {
      if (n instanceof MappingNode m) {
        return mapping(m);
      }
      if (n instanceof SequenceNode s) {
        List<CfgNode> items = new ArrayList<>();
        for (Node child : s.getValue()) {
          items.add(convert(child));
        }
        return new CfgList(items, origin(s));
      }
      return scalar((ScalarNode) n);
    } finally {
      active.remove(n);
    }
  }

  private CfgMap mapping(MappingNode m) {
    Map<String, CfgNode> own = new LinkedHashMap<>();
    Map<String, CfgNode> merged = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      Node k = t.getKeyNode();
      if (k.getTag().equals(Tag.MERGE)) {
        for (CfgMap src : mergeSources(t.getValueNode())) {
          src.entries().forEach(merged::putIfAbsent);
        }
        continue;
      }
      if (!(k instanceof ScalarNode ks)) {
        throw ConfigException.at(origin(k), null, "map keys must be plain scalars");
      }
      String key = ks.getValue();
      if (own.containsKey(key)) {
        throw ConfigException.at(origin(k), key, "duplicate key in the same map");
      }
      own.put(key, convert(t.getValueNode()));
    }
    if (merged.isEmpty()) {
      return new CfgMap(own, origin(m));
    }
    merged.putAll(own);
    return new CfgMap(merged, origin(m));
  }

  private List<CfgMap> mergeSources(Node v) {
    List<CfgMap> out = new ArrayList<>();
    if (v instanceof SequenceNode s) {
      for (Node n : s.getValue()) {
        out.addAll(mergeSources(n));
      }
    } else if (convert(v) instanceof CfgMap cm) {
      out.add(cm);
    } else {
      throw ConfigException.at(origin(v), "<<", "a merge key needs a map or a list of maps");
    }
    return out;
  }

  private CfgScalar scalar(ScalarNode s) {
    Origin o = origin(s);
    String v = s.getValue();
    Tag tag = s.getTag();
    try {
      if (tag.equals(Tag.NULL)) {
        return new CfgScalar(null, o);
      }
      if (tag.equals(Tag.BOOL)) {
        String b = v.toLowerCase(java.util.Locale.ROOT);
        return new CfgScalar(
            b.equals("true") || b.equals("yes") || b.equals("on") || b.equals("y"), o);
      }
      if (tag.equals(Tag.INT)) {
        return new CfgScalar(parseInt(v.replace("_", "")), o);
      }
      if (tag.equals(Tag.FLOAT)) {
        return new CfgScalar(parseFloat(v.replace("_", "")), o);
      }
    } catch (NumberFormatException e) {
      throw ConfigException.at(o, null, "bad number '" + v + "'");
    }
    return new CfgScalar(v, o);
  }

  private static long parseInt(String v) {
    String s = v.startsWith("+") ? v.substring(1) : v;
    boolean neg = s.startsWith("-");
    String d = neg ? s.substring(1) : s;
    long r;
    if (d.startsWith("0x")) {
      r = Long.parseLong(d.substring(2), 16);
    } else if (d.startsWith("0o")) {
      r = Long.parseLong(d.substring(2), 8);
    } else if (d.startsWith("0b")) {
      r = Long.parseLong(d.substring(2), 2);
    } else {
      r = Long.parseLong(d);
    }
    return neg ? -r : r;
  }

  private static double parseFloat(String v) {
    String s = v.toLowerCase(java.util.Locale.ROOT);
    if (s.endsWith(".inf")) {
      return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (s.equals(".nan")) {
      return Double.NaN;
    }
    return Double.parseDouble(v);
  }
}
