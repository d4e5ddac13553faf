package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
    ConfigCommandsTest.Run json = ConfigCommandsTest.run("list", "neck", "--format", "json");
    assertEquals(0, json.code(), json.err());
    JsonArray necks = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("neck");
    assertTrue(necks.size() >= 4, json.out());
    JsonObject fpn = necks.get(necks.size() == 0 ? 0 : indexOf(necks, "FPN")).getAsJsonObject();
    JsonObject inChannels = fpn.getAsJsonArray("arguments").get(0).getAsJsonObject();
    assertEquals("in_channels", inChannels.get("key").getAsString());
    assertTrue(inChannels.get("set_by_owner").getAsBoolean());
    ConfigCommandsTest.Run unknown = ConfigCommandsTest.run("list", "FPM");
    assertEquals(DetkitCli.USAGE_ERROR, unknown.code());
    assertTrue(unknown.err().contains("did you mean 'FPN'"), unknown.err());
  }

  private static int indexOf(JsonArray a, String name) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).getAsJsonObject().get("name").getAsString().equals(name)) {
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
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(false, o.get("ok").getAsBoolean());
    JsonObject p = o.getAsJsonArray("problems").get(0).getAsJsonObject();
    assertEquals("--cfg-options", p.get("file").getAsString());
    assertEquals("model.neck.num_outs", p.get("key").getAsString());
  }

  @Test
  void flopsAsJsonHasModulesAndTotals() {
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("flops", CONFIG, "--shape", "64", "64", "--format", "json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertTrue(o.get("total_flops").getAsLong() > 0);
    assertTrue(o.getAsJsonArray("modules").size() > 3);
    assertTrue(o.has("not_counted") && o.has("by_op"));
  }
}
