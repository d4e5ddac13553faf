package dev.detkit.api.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-line load summary: short lists in full, long ones counted by key prefix. */
class LoadReportTest {
  @Test
  void longKeyListsAreSummarisedByPrefix() {
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      missing.add("backbone.layers." + i + ".conv.weight");
    }
    for (int i = 0; i < 30; i++) {
      missing.add("neck.fpn_convs." + i + ".conv.weight");
    }
    LoadReport r = new LoadReport(missing, List.of("extra.a", "extra.b"), List.of());
    String s = r.summary();
    assertTrue(s.length() < 300, s);
    assertTrue(
        s.contains(
            "missing keys in source state_dict: 430 keys (backbone.layers 400, neck.fpn_convs 30)"),
        s);
    assertTrue(s.startsWith("unexpected key in source state_dict: extra.a, extra.b; "), s);
    assertTrue(r.toString().length() > 10_000, "toString keeps every key, as mmengine prints");
  }

  @Test
  void suspectValuesNameTheCountAndTheFirst() {
    LoadReport clean = new LoadReport(List.of(), List.of(), List.of());
    assertNull(clean.suspectValues());
    LoadReport r =
        new LoadReport(
            List.of(), List.of(), List.of(), List.of("a.w (3 of 9)", "b.w (1 of 4)"), List.of());
    assertEquals("2 parameter(s) hold NaN or infinity (first: a.w (3 of 9))", r.suspectValues());
  }
}
