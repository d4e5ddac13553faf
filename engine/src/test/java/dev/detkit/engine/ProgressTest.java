package dev.detkit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress in a log file reads line by line; on a terminal it is one bar redrawn in place. */
class ProgressTest {
  @Test
  void linesModeWritesWholeLinesAtEachTenth() {
    StringWriter s = new StringWriter();
    Progress p = new Progress(new PrintWriter(s), "train", 100, false);
    for (int i = 0; i < 100; i++) {
      p.step("loss 0.5");
    }
    p.done();
    String text = s.toString();
    assertFalse(text.contains("\r"), "no carriage returns in a log");
    List<String> lines = text.lines().toList();
    assertEquals(10, lines.size(), text);
    assertTrue(
        lines.get(9).startsWith("train 100/100 ") && lines.get(9).endsWith("loss 0.5"), text);
  }

  @Test
  void barModeRedrawsInPlaceAndEndsWithANewline() {
    StringWriter s = new StringWriter();
    Progress p = new Progress(new PrintWriter(s), "infer", 3, true);
    p.step();
    p.step();
    p.step();
    p.done();
    assertTrue(s.toString().startsWith("\rinfer ["), s.toString());
    assertTrue(s.toString().contains("3/3") && s.toString().endsWith(System.lineSeparator()));
  }
}
