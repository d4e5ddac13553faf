package dev.detkit.tools;

import dev.detkit.api.util.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes result records as they are produced, flushed one by one, so that a run that fails or is
 * interrupted keeps every record it finished: a JSON array (one record per line, nested lists of
 * maps one element per line), or JSON Lines when the file name ends in {@code .jsonl}. The array is
 * closed by {@link #close()}, which commands call in a {@code finally}, and by a shutdown hook when
 * the JVM is stopped (Ctrl-C, SIGTERM) before that.
 */
final class RecordWriter implements AutoCloseable {
  private final Writer out;
  private final boolean lines;
  private final boolean ownsStream;
  private final Thread hook;
  private int count;
  private boolean closed;

  private RecordWriter(Writer out, boolean lines, boolean ownsStream) {
    this.out = out;
    this.lines = lines;
    this.ownsStream = ownsStream;
    this.hook = ownsStream ? new Thread(this::close, "detkit-results-close") : null;
    if (hook != null) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    if (!lines) {
      write("[");
    }
  }

  /** A writer to {@code file} (JSON Lines when it ends in {@code .jsonl}). */
  public static RecordWriter toFile(Path file) {
    try {
      Writer w =
          new BufferedWriter(
              new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8));
      return new RecordWriter(w, file.getFileName().toString().endsWith(".jsonl"), true);
    } catch (IOException e) {
      throw new UserError(file + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** A JSON-array writer to an already open stream (standard output), which it does not close. */
  public static RecordWriter toStream(Writer w) {
    return new RecordWriter(w, false, false);
  }

  /** Appends one record and flushes it. */
  public synchronized void add(Map<String, ?> record) {
    if (closed) {
      throw new IllegalStateException("results writer already closed");
    }
    StringBuilder sb = new StringBuilder();
    if (!lines) {
      sb.append(count == 0 ? "\n" : ",\n");
    }
    sb.append(layout(record));
    if (lines) {
      sb.append('\n');
    }
    write(sb.toString());
    count++;
  }

  /** Records written so far. */
  public synchronized int count() {
    return count;
  }

  /** Closes the array (if any) and the file; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!lines) {
      write(count == 0 ? "]\n" : "\n]\n");
    }
    try {
      if (ownsStream) {
        out.close();
      } else {
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: nothing to remove
      }
    }
  }

  /** A record on one line, except a list of maps, which gets one element per line. */
  private String layout(Map<String, ?> record) {
    if (lines) {
      return Json.compact(record);
    }
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, ?> e : record.entrySet()) {
      sb.append(first ? "" : ", ").append(Json.compact(e.getKey())).append(": ");
      first = false;
      if (e.getValue() instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map) {
        sb.append("[");
        for (int i = 0; i < l.size(); i++) {
          sb.append(i == 0 ? "\n  " : ",\n  ").append(Json.compact(l.get(i)));
        }
        sb.append("\n]");
      } else {
        sb.append(Json.compact(e.getValue()));
      }
    }
    return sb.append("}").toString();
  }

  private void write(String s) {
    try {
      out.write(s);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
