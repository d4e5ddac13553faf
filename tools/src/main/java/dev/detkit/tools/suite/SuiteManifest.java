package dev.detkit.tools.suite;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
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
    JsonObject o = new JsonObject();
    o.addProperty("name", name);
    JsonArray arr = new JsonArray();
    for (SuiteCell c : cells) {
      JsonObject j = new JsonObject();
      j.addProperty("id", c.id());
      j.addProperty("config", c.config().toAbsolutePath().toString());
      j.addProperty("backend", c.backend());
      j.addProperty("height", c.height());
      j.addProperty("width", c.width());
      j.addProperty("dtype", c.dtype());
      arr.add(j);
    }
    o.add("cells", arr);
    Path tmp = Files.createTempFile(outDir, "suite.json.", ".partial");
    Files.writeString(tmp, new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n");
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
      JsonObject o = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
      List<SuiteCell> cells = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("cells")) {
        JsonObject c = e.getAsJsonObject();
        cells.add(
            new SuiteCell(
                Path.of(c.get("config").getAsString()),
                c.get("backend").getAsString(),
                c.get("height").getAsInt(),
                c.get("width").getAsInt(),
                c.has("dtype") ? c.get("dtype").getAsString() : "float32"));
      }
      return new SuiteManifest(o.get("name").getAsString(), cells);
    } catch (JsonParseException | IllegalStateException | NullPointerException e) {
      throw new dev.detkit.api.config.ConfigException(
          f + ": not a suite manifest (" + e.getMessage() + ")");
    }
  }
}
