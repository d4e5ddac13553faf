package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./detkit eval} on the pycocotools fixture, both maxDets settings, and a bad file. */
class EvalCommandTest {
  @TempDir Path dir;

  @Test
  void statsEqualPycocotoolsForBothMaxDets() throws IOException {
    Path fx = Fixtures.dir("coco_eval_small");
    JsonNode expected = Json.parse(Files.readString(fx.resolve("expected.json")));
    for (String[] setting : new String[][] {{"1,10,100", "default"}, {"100,300,1000", "mmdet"}}) {
      ConfigCommandsTest.Run r =
          ConfigCommandsTest.run(
              "eval",
              "--ann",
              fx.resolve("gt.json").toString(),
              "--results",
              fx.resolve("dets.json").toString(),
              "--max-dets",
              setting[0],
              "--format",
              "json");
      assertEquals(0, r.code(), r.err());
      var stats = Json.parse(r.out()).get("stats");
      var exp = findStats(expected, setting[1]);
      assertEquals(12, stats.size());
      for (int i = 0; i < 12; i++) {
        assertEquals(
            exp.get(i).asDouble(), stats.get(i).asDouble(), 1e-12, setting[1] + " stat " + i);
      }
    }
    ConfigCommandsTest.Run text =
        ConfigCommandsTest.run(
            "eval",
            "--ann",
            fx.resolve("gt.json").toString(),
            "--results",
            fx.resolve("dets.json").toString(),
            "--classwise");
    assertEquals(0, text.code(), text.err());
    assertTrue(
        text.out()
            .contains("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]"),
        text.out());
    assertTrue(text.out().contains("bbox_mAP_copypaste"), text.out());
  }

  private static JsonNode findStats(JsonNode expected, String which) {
    for (String key : (Iterable<String>) expected::fieldNames) {
      if (key.toLowerCase().contains(which)
          && expected.get(key).isObject()
          && expected.get(key).has("stats")) {
        return expected.get(key).get("stats");
      }
    }
    throw new AssertionError("no " + which + " stats in expected.json: " + expected);
  }

  @Test
  void badResultsFileIsAUsageErrorNamingIt() throws IOException {
    Path fx = Fixtures.dir("coco_eval_small");
    Path bad = dir.resolve("bad.json");
    Files.writeString(
        bad,
        "[{\"image_id\": 999999, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}]");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "eval", "--ann", fx.resolve("gt.json").toString(), "--results", bad.toString());
    assertEquals(DetkitCli.USAGE_ERROR, r.code());
    assertTrue(r.err().contains("bad.json"), r.err());
  }
}
