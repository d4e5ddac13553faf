package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results reach the file as they are added, so an interrupted run keeps them. */
class RecordWriterTest {
  @TempDir Path dir;

  @Test
  void recordsAreOnDiskBeforeCloseAndTheArrayIsClosedAfter() throws IOException {
    Path out = dir.resolve("r.json");
    Map<String, Object> rec =
        Map.of("image", "a.jpg", "detections", List.of(Map.of("bbox", List.of(1, 2, 3, 4))));
    try (RecordWriter w = RecordWriter.toFile(out)) {
      w.add(rec);
      String partial = Files.readString(out);
      assertTrue(partial.contains("\"a.jpg\"") && partial.contains("[1,2,3,4]"), partial);
      w.add(rec);
    }
    assertEquals(2, Json.parse(Files.readString(out)).size());
    Path lines = dir.resolve("r.jsonl");
    try (RecordWriter w = RecordWriter.toFile(lines)) {
      w.add(rec);
      assertEquals(1, Files.readAllLines(lines).size());
    }
    Path empty = dir.resolve("e.json");
    RecordWriter.toFile(empty).close();
    assertEquals(0, Json.parse(Files.readString(empty)).size());
  }
}
