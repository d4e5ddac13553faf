package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detkit.tools.suite.SuiteCell;
import dev.detkit.tools.suite.SuiteSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code shapes: native}: each config measured at its own image_size (EfficientDet D0-D7). */
class SuiteNativeShapesTest {
  @Test
  void efficientDetSuiteMeasuresEachSizeAtItsOwnInput() {
    Path root = Path.of(System.getProperty("detkit.root", ".."));
    SuiteSpec s = SuiteSpec.load(root.resolve("benchmarks/suites/efficientdet_d0_d7.yaml"));
    List<SuiteCell> cells = s.cells();
    assertEquals(8, cells.size(), "one cell per config, not configs x shapes");
    int[] sides = {512, 640, 768, 896, 1024, 1280, 1280, 1536};
    for (int i = 0; i < 8; i++) {
      assertEquals(sides[i], cells.get(i).height());
      assertEquals(sides[i], cells.get(i).width());
    }
    assertEquals(
        3, SuiteSpec.load(root.resolve("benchmarks/suites/necks_effb3.yaml")).cells().size());
  }
}
