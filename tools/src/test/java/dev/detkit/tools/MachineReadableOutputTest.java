package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.util.Json;
import org.junit.jupiter.api.Test;

/** {@code --format json} of list, check and flops, and {@code list NAME}. */
class MachineReadableOutputTest {
  static final String CONFIG = InferCommandTest.FIXTURE_CONFIG;

  @Test
  void listShowsOneComponentInFullAndEveryKindAsJson() {
    ConfigCommandsTest.Run one = ConfigCommandsTest.run("list", "FPN");
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().startsWith("FPN (neck, mmdet.FPN)"), one.out());
    assertTrue(one.out().contains("out_channels: int (required)"), one.out());
    assertTrue(one.out().contains("type: FPN"), one.out());
    // a record-typed argument shows its own fields and their meanings indented below it
    ConfigCommandsTest.Run head = ConfigCommandsTest.run("list", "RetinaHead");
    assertEquals(0, head.code(), head.err());
    String out = head.out();
    int normCfg = out.indexOf("    norm_cfg: ");
    int numGroups = out.indexOf("        num_groups: ", normCfg);
    assertTrue(normCfg > 0 && numGroups > normCfg, out);
    assertTrue(out.indexOf("number of channel groups of GN", numGroups) > numGroups, out);
    // ... and a component-typed argument the fields of the component its default names
    int lossCls = out.indexOf("    loss_cls: ");
    int gamma = out.indexOf("          gamma: ", lossCls);
    assertTrue(lossCls > 0 && gamma > lossCls && gamma < out.indexOf("    loss_bbox: "), out);
    assertTrue(out.indexOf("focusing parameter", gamma) > gamma, out);
    ConfigCommandsTest.Run headJson =
        ConfigCommandsTest.run("list", "RetinaHead", "--format", "json");
    assertEquals(0, headJson.code(), headJson.err());
    JsonNode headArgs = Json.parse(headJson.out()).get(0).get("arguments");
    JsonNode focal = headArgs.get(indexOfKey(headArgs, "loss_cls"));
    assertEquals("FocalLoss", focal.get("fields_of").asText());
    JsonNode gammaJson = focal.get("fields").get(indexOfKey(focal.get("fields"), "gamma"));
    assertTrue(gammaJson.get("doc").asText().startsWith("focusing parameter"), headJson.out());
    ConfigCommandsTest.Run json = ConfigCommandsTest.run("list", "neck", "--format", "json");
    assertEquals(0, json.code(), json.err());
    JsonNode necks = Json.parse(json.out()).get("neck");
    assertTrue(necks.size() >= 4, json.out());
    JsonNode fpn = necks.get(necks.size() == 0 ? 0 : indexOf(necks, "FPN"));
    JsonNode inChannels = fpn.get("arguments").get(0);
    assertEquals("in_channels", inChannels.get("key").asText());
    assertTrue(inChannels.get("set_by_owner").asBoolean());
    ConfigCommandsTest.Run unknown = ConfigCommandsTest.run("list", "FPM");
    assertEquals(DetkitCli.USAGE_ERROR, unknown.code());
    assertTrue(unknown.err().contains("did you mean 'FPN'"), unknown.err());
  }

  private static int indexOfKey(JsonNode a, String key) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).get("key").asText().equals(key)) {
        return i;
      }
    }
    throw new AssertionError(key + " not listed");
  }

  private static int indexOf(JsonNode a, String name) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).get("name").asText().equals(name)) {
        return i;
      }
    }
    throw new AssertionError(name + " not listed");
  }

  @Test
  void checkReportsProblemsWithFileLineAndKey() {
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "check",
            CONFIG,
            "--no-build",
            "--format",
            "json",
            "--cfg-options",
            "model.neck.num_outs=x");
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    JsonNode o = Json.parse(r.out());
    assertEquals(false, o.get("ok").asBoolean());
    JsonNode p = o.get("problems").get(0);
    assertEquals("--cfg-options", p.get("file").asText());
    assertEquals("model.neck.num_outs", p.get("key").asText());
  }

  @Test
  void flopsAsJsonHasModulesAndTotals() {
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("flops", CONFIG, "--shape", "64", "64", "--format", "json");
    assertEquals(0, r.code(), r.err());
    JsonNode o = Json.parse(r.out());
    assertTrue(o.get("total_flops").asLong() > 0);
    assertTrue(o.get("modules").size() > 3);
    assertTrue(o.has("not_counted") && o.has("by_op"));
  }
}
