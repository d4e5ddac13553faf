package dev.detkit.engine;

import dev.detkit.api.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code WORK_DIR/scalars.jsonl}: one JSON object per logged record, appended and flushed. */
public final class ScalarLog {
  private final Path file;

  public ScalarLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Appends one record. */
  public synchronized void write(Map<String, Object> record) {
    try {
      Files.writeString(
          file,
          Json.compact(record) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  /** Every record of a log file, in order. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> read(Path file) {
    List<Map<String, Object>> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          out.add(Json.read(line, Map.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }
}
