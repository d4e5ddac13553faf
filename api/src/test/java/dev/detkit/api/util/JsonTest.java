package dev.detkit.api.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The files detkit writes keep the layout and number forms they had (and Python reads). */
class JsonTest {
  record State(int epoch, long iter, float lr, String config) {
    // not a property: files hold the record's components only
    public double getDerived() {
      return epoch * 2.0;
    }
  }

  private static Map<String, Object> sample() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("i", 3);
    m.put("d", 1.0);
    m.put("small", 1e-7);
    m.put("f", 0.1f);
    m.put("nan", Double.NaN);
    m.put("inf", Double.NEGATIVE_INFINITY);
    m.put("absent", null);
    m.put("s", "a<b>=&'");
    m.put("empty", List.of());
    m.put("none", Map.of());
    m.put("list", List.of(1, 2.5));
    m.put("state", new State(2, 10L, 0.01f, null));
    return m;
  }

  @Test
  void prettyLayoutIsKeyColonValueWithOneArrayElementALine() {
    assertEquals(
        String.join(
            "\n",
            "{",
            "  \"i\": 3,",
            "  \"d\": 1.0,",
            "  \"small\": 1.0E-7,",
            "  \"f\": 0.1,",
            "  \"nan\": NaN,",
            "  \"inf\": -Infinity,",
            "  \"s\": \"a<b>=&'\",",
            "  \"empty\": [],",
            "  \"none\": {},",
            "  \"list\": [",
            "    1,",
            "    2.5",
            "  ],",
            "  \"state\": {",
            "    \"epoch\": 2,",
            "    \"iter\": 10,",
            "    \"lr\": 0.01",
            "  }",
            "}"),
        Json.pretty(sample()));
  }

  @Test
  void compactAndWithNulls() {
    assertTrue(
        Json.compact(sample())
            .startsWith(
                "{\"i\":3,\"d\":1.0,\"small\":1.0E-7,\"f\":0.1,\"nan\":NaN,\"inf\":-Infinity,"),
        Json.compact(sample()));
    assertTrue(Json.prettyWithNulls(sample()).contains("  \"absent\": null,\n"));
    assertTrue(Json.prettyWithNulls(sample()).contains("    \"config\": null\n"));
  }

  @Test
  void recordsRoundTripAndNonNumbersReadBack() throws JsonProcessingException {
    State s = new State(3, 12345678901L, 0.5f, "a.yaml");
    assertEquals(s, Json.read(Json.compact(s), State.class));
    assertTrue(Double.isNaN(Json.tree("{\"x\": NaN}").get("x").asDouble()));
  }

  @Test
  void malformedTextNamesLineAndColumn() {
    JsonProcessingException e =
        assertThrows(JsonProcessingException.class, () -> Json.tree("{\n  \"a\": [1,\n"));
    assertTrue(Json.problem(e).contains("at line 3"), Json.problem(e));
    assertTrue(Json.problem(e).lines().count() == 1, Json.problem(e));
    assertThrows(JsonProcessingException.class, () -> Json.tree("  "));
  }
}
