package dev.detkit.processor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The argument-docs resource of a record: its Javadoc {@code @param} tags, parsed at compile time
 * and stored one {@code name<TAB>text} line per argument (no dates, so builds are reproducible).
 */
public final class ParamDocFiles {
  private ParamDocFiles() {}

  /** The resource that holds the docs of the record with this binary name. */
  public static String resourceFor(String recordBinaryName) {
    return "META-INF/detkit/args/" + recordBinaryName + ".properties";
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

  /** Reads a resource written by {@link #format}. */
  public static Map<String, String> read(InputStream in) throws IOException {
    Map<String, String> docs = new LinkedHashMap<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        docs.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    return docs;
  }
}
