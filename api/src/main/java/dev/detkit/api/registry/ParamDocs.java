package dev.detkit.api.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An argument record's {@code @param} docs: parsed from its Javadoc at compile time, stored one
 * {@code name<TAB>text} line per argument (no dates, so builds are reproducible), read at run time.
 */
public final class ParamDocs {
  private ParamDocs() {}

  /** The resource that holds a record's docs. */
  public static String resourceFor(Class<?> record) {
    return "META-INF/detkit/args/" + record.getName() + ".properties";
  }

  /** Component name to its doc, from a Javadoc comment's {@code @param} tags (in order). */
  public static Map<String, String> parse(String javadoc) {
    Map<String, String> docs = new LinkedHashMap<>();
    if (javadoc == null) {
      return docs;
    }
    String name = null;
    StringBuilder text = new StringBuilder();
    for (String raw : javadoc.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("@")) {
        put(docs, name, text);
        name = null;
        text.setLength(0);
        if (line.startsWith("@param ")) {
          String rest = line.substring(7).strip();
          int space = rest.indexOf(' ');
          name = space < 0 ? rest : rest.substring(0, space);
          text.append(space < 0 ? "" : rest.substring(space + 1).strip());
        }
      } else if (name != null && !line.isEmpty()) {
        text.append(' ').append(line);
      }
    }
    put(docs, name, text);
    return docs;
  }

  private static void put(Map<String, String> docs, String name, StringBuilder text) {
    if (name != null) {
      docs.put(name, plain(text.toString().strip()));
    }
  }

  /** Javadoc inline tags to plain text: {@code {@code x}} and {@code {@link X}} become x and X. */
  static String plain(String s) {
    return s.replaceAll("\\{@(?:code|link|linkplain|literal) ([^}]*)}", "$1")
        .replaceAll("\\s+", " ");
  }

  /** The resource text for {@code docs}. */
  public static String format(Map<String, String> docs) {
    StringBuilder b = new StringBuilder();
    docs.forEach((k, v) -> b.append(k).append('\t').append(v).append('\n'));
    return b.toString();
  }

  /** The docs of {@code record}, empty when it has none. */
  public static Map<String, String> of(Class<?> record) {
    Map<String, String> docs = new LinkedHashMap<>();
    ClassLoader loader = record.getClassLoader();
    if (loader == null) {
      return docs;
    }
    try (InputStream in = loader.getResourceAsStream(resourceFor(record))) {
      if (in == null) {
        return docs;
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          docs.put(line.substring(0, tab), line.substring(tab + 1));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resourceFor(record), e);
    }
    return docs;
  }
}
