package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.util.Json;
import dev.detkit.tools.suite.SuiteCell;
import dev.detkit.tools.suite.SuiteReport;
import dev.detkit.tools.suite.SuiteRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated suite runs: the median and spread per cell, and rows whose order is unreliable. */
class SuiteRepeatsTest {
  @TempDir Path dir;

  static String record(double fps) {
    return "{\"fps\": "
        + fps
        + ", \"params\": 1000000, \"flops\": 2000000000, \"achieved_gflops\": 12.5,"
        + " \"peak\": {\"fraction_of_matmul\": 0.4},"
        + " \"latency_ms\": {\"end_to_end\": {\"mean\": 100.0}}, \"memory_mb\": {\"rss_peak\": 800}}";
  }

  @Test
  void medianSpreadAndOverlapFlags() throws IOException {
    Path root = Path.of(System.getProperty("detkit.root", ".."));
    Path cfgA = root.resolve("configs/efficientnet/retinanet_effb0_fpn_8xb4-crop896-1x_coco.yaml");
    Path cfgB = root.resolve("configs/efficientnet/retinanet_effb1_fpn_8xb4-crop896-1x_coco.yaml");
    SuiteCell a = new SuiteCell(cfgA, "djl", 512, 512);
    SuiteCell b = new SuiteCell(cfgB, "djl", 512, 512);
    double[][] fps = {{2.0, 2.4, 2.2}, {2.3, 2.6, 2.5}};
    SuiteCell[] cells = {a, b};
    for (int c = 0; c < 2; c++) {
      for (int r = 0; r < 3; r++) {
        Files.writeString(
            dir.resolve(cells[c].id() + ".rep" + (r + 1) + ".json"), record(fps[c][r]));
      }
      SuiteCommand.summariseRepeats(dir, cells[c], 3);
    }
    JsonNode ra = Json.parse(Files.readString(dir.resolve(a.id() + ".json")));
    assertEquals(2.2, ra.get("fps").asDouble());
    assertEquals(2.0, ra.get("repeats").get("fps_min").asDouble());
    assertEquals(2.4, ra.get("repeats").get("fps_max").asDouble());
    SuiteRow rowA = SuiteRow.of(a, ra);
    SuiteRow rowB = SuiteRow.of(b, Json.parse(Files.readString(dir.resolve(b.id() + ".json"))));
    assertTrue(rowA.overlaps(rowB), "[2.0-2.4] and [2.3-2.6] overlap");
    Path md = dir.resolve("results.md");
    SuiteReport.writeMarkdown("t", List.of(rowA, rowB), md);
    String text = Files.readString(md);
    assertTrue(text.contains("2.20 [2.00-2.40] †"), text);
    assertTrue(text.contains("12.5 (40%)"), text);
    assertTrue(text.contains("order is not reliable"), text);
  }
}
