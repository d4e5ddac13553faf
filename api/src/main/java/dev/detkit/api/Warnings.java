package dev.detkit.api;

import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Where components report what is suspicious but not fatal (a truncated image that still decodes,
 * weights holding NaN): one line each, prefixed "warning: ", to the command line's error stream. A
 * message is reported once per process, so a problem met on every image does not flood the log.
 */
public final class Warnings {
  private static volatile Consumer<String> sink = line -> System.err.println(line);
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  private Warnings() {}

  /** Sends warnings to {@code out} (the command line's error stream). */
  public static void sendTo(PrintWriter out) {
    sink =
        line -> {
          out.println(line);
          out.flush();
        };
  }

  /** Reports {@code message} once. */
  public static void warn(String message) {
    if (SEEN.add(message)) {
      sink.accept("warning: " + message);
    }
  }
}
