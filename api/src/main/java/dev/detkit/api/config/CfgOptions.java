package dev.detkit.api.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Dotted overrides, {@code --cfg-options a.b.0.c=value}, with mmengine's value rules: int, then
 * float, then true/false (any case), then None/null, else a string; {@code [a,b]} and {@code (a,b)}
 * are lists (nestable), a bare {@code a,b} is a list. Numeric path segments index lists.
 */
public final class CfgOptions {
  private CfgOptions() {}

  /** One parsed {@code key=value}. */
  public record Override(String key, CfgNode value) {}

  /** Parses {@code key=value} strings. */
  public static List<Override> parse(List<String> options) {
    List<Override> out = new ArrayList<>();
    for (String opt : options) {
      int eq = opt.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--cfg-options: '" + opt + "' is not KEY=VALUE");
      }
      out.add(new Override(opt.substring(0, eq), parseValue(opt.substring(eq + 1))));
    }
    return out;
  }

  /** Parses one value by mmengine's DictAction rules; unbalanced brackets are an error. */
  public static CfgNode parseValue(String text) {
    checkBalanced(text);
    return value(text);
  }

  private static void checkBalanced(String text) {
    java.util.Deque<Character> open = new java.util.ArrayDeque<>();
    for (char c : text.toCharArray()) {
      if (c == '[' || c == '(') {
        open.push(c);
      } else if (c == ']' || c == ')') {
        char want = c == ']' ? '[' : '(';
        if (open.isEmpty() || open.pop() != want) {
          throw new ConfigException(
              "--cfg-options: unbalanced brackets in value '"
                  + text
                  + "' (unexpected '"
                  + c
                  + "')");
        }
      }
    }
    if (!open.isEmpty()) {
      throw new ConfigException(
          "--cfg-options: unbalanced brackets in value '"
              + text
              + "' ('"
              + open.peek()
              + "' is"
              + " never closed)");
    }
  }

  private static CfgNode value(String text) {
    String v = text.trim();
    if ((v.startsWith("[") && v.endsWith("]")) || (v.startsWith("(") && v.endsWith(")"))) {
      return list(v.substring(1, v.length() - 1));
    }
    if (topLevelComma(v) >= 0) {
      return list(v);
    }
    return scalar(v);
  }

  private static CfgNode list(String inner) {
    List<CfgNode> items = new ArrayList<>();
    String rest = inner.trim();
    while (!rest.isEmpty()) {
      int cut = topLevelComma(rest);
      String item = cut < 0 ? rest : rest.substring(0, cut);
      items.add(value(item));
      rest = cut < 0 ? "" : rest.substring(cut + 1).trim();
    }
    return new CfgList(items, Origin.CLI);
  }

  private static int topLevelComma(String s) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '[' || c == '(') {
        depth++;
      } else if (c == ']' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static CfgScalar scalar(String v) {
    try {
      return new CfgScalar(Long.parseLong(v), Origin.CLI);
    } catch (NumberFormatException ignored) {
      // not an int
    }
    try {
      if (!v.isEmpty()
          && !v.equalsIgnoreCase("nan")
          && !v.toLowerCase(Locale.ROOT).contains("inf")) {
        return new CfgScalar(Double.parseDouble(v), Origin.CLI);
      }
    } catch (NumberFormatException ignored) {
      // not a float
    }
    String low = v.toLowerCase(Locale.ROOT);
    if (low.equals("true") || low.equals("false")) {
      return new CfgScalar(low.equals("true"), Origin.CLI);
    }
    if (v.equals("None") || v.equals("null")) {
      return new CfgScalar(null, Origin.CLI);
    }
    return new CfgScalar(v, Origin.CLI);
  }

  /** Applies an override: creates missing map keys; list indices must exist. */
  public static CfgMap apply(CfgMap root, Override o) {
    String[] parts = o.key().split("\\.", -1);
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new ConfigException("--cfg-options: key '" + o.key() + "' has an empty segment");
      }
    }
    return (CfgMap) set(root, parts, 0, o.value(), o.key());
  }

  private static CfgNode set(CfgNode node, String[] parts, int i, CfgNode value, String key) {
    if (i == parts.length) {
      return value;
    }
    String seg = parts[i];
    String here = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
    if (node instanceof CfgList list) {
      int idx;
      try {
        idx = Integer.parseInt(seg);
      } catch (NumberFormatException e) {
        throw ConfigException.at(
            Origin.CLI, key, "'" + here + "' indexes a list; '" + seg + "' is not a number");
      }
      if (idx < 0 || idx >= list.size()) {
        throw ConfigException.at(
            Origin.CLI,
            key,
            "index "
                + idx
                + " out of range: '"
                + String.join(".", java.util.Arrays.copyOf(parts, i))
                + "' has "
                + list.size()
                + " items");
      }
      return list.with(idx, set(list.get(idx), parts, i + 1, value, key));
    }
    if (node instanceof CfgMap map) {
      CfgNode child = map.get(seg);
      if (child == null) {
        child = i + 1 == parts.length ? null : CfgMap.empty(Origin.CLI);
      }
      return map.with(seg, set(child, parts, i + 1, value, key));
    }
    throw ConfigException.at(
        Origin.CLI,
        key,
        "cannot set '"
            + here
            + "': '"
            + String.join(".", java.util.Arrays.copyOf(parts, i))
            + "' is a "
            + node.typeName());
  }

  /** For tests: a YAML snippet as a node. */
  static CfgNode yaml(String text) {
    return YamlReader.parse(new StringReader(text), "<yaml>");
  }
}
