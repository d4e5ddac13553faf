package dev.detkit.tools.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DIR/suite.json}: the suite's name and its whole grid, written by every run into its output
 * folder so that {@code --report-only DIR} can rebuild the report from the published cells without
 * the suite file (and in the grid's order, whichever shard measured which cell).
 *
 * @param name the suite's name
 * @param cells the whole grid, in table order
 */
public record SuiteManifest(String name, List<SuiteCell> cells) {
  /** The manifest's file in an output folder. */
  public static Path file(Path outDir) {
    return outDir.resolve("suite.json");
  }

  /**
   * Writes the manifest atomically; shards write identical content, so concurrent writers are
   * harmless.
   */
  public void write(Path outDir) throws IOException {
    ObjectNode o = Json.object();
    o.put("name", name);
    var arr = o.putArray("cells");
    for (SuiteCell c : cells) {
      arr.addObject()
          .put("id", c.id())
          .put("config", c.config().toAbsolutePath().toString())
          .put("backend", c.backend())
          .put("height", c.height())
          .put("width", c.width())
          .put("dtype", c.dtype());
    }
    Path tmp = Files.createTempFile(outDir, "suite.json.", ".partial");
    Files.writeString(tmp, Json.pretty(o) + "\n");
    Files.move(
        tmp, file(outDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads {@code DIR/suite.json}; a missing or damaged one is an error naming the file. */
  public static SuiteManifest read(Path outDir) throws IOException {
    Path f = file(outDir);
    if (!Files.isRegularFile(f)) {
      throw new dev.detkit.api.config.ConfigException(
          f + ": not found (not the --out folder of a suite run?)");
    }
    try {
      JsonNode o = Json.tree(Files.readString(f));
      List<SuiteCell> cells = new ArrayList<>();
      for (JsonNode c : need(o, "cells")) {
        cells.add(
            new SuiteCell(
                Path.of(need(c, "config").asText()),
                need(c, "backend").asText(),
                need(c, "height").asInt(),
                need(c, "width").asInt(),
                c.has("dtype") ? c.get("dtype").asText() : "float32"));
      }
      return new SuiteManifest(need(o, "name").asText(), cells);
    } catch (JsonProcessingException e) {
      throw new dev.detkit.api.config.ConfigException(
          f + ": not a suite manifest (" + Json.problem(e) + ")");
    } catch (IllegalStateException e) {
      throw new dev.detkit.api.config.ConfigException(
          f + ": not a suite manifest (" + e.getMessage() + ")");
    }
  }

  private static JsonNode need(JsonNode o, String key) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalStateException("missing '" + key + "'");
    }
    return v;
  }
}
