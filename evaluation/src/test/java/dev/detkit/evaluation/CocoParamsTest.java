package dev.detkit.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CocoParamsTest {

  @Test
  void iouThresholdEightIsNumpysLinspaceValue() {
    double[] iou = CocoParams.defaults().iouThrs();
    assertEquals(10, iou.length);
    assertEquals(0.8999999999999999, iou[8], 0.0);
    assertEquals(false, iou[8] == 0.9);
  }

  @Test
  void defaultsAreCocoevalsAndMmdetsMaxDets() {
    CocoParams p = CocoParams.defaults();
    assertEquals(101, p.recThrs().length);
    assertArrayEquals(new int[] {1, 10, 100}, p.maxDets());
    assertEquals(List.of("all", "small", "medium", "large"), p.areaRngLbl());
    assertArrayEquals(new double[] {1024, 9216}, p.areaRng()[2], 0.0);
    assertArrayEquals(new double[] {9216, 1e10}, p.areaRng()[3], 0.0);
    assertEquals(true, p.useCats());
    assertArrayEquals(new int[] {100, 300, 1000}, CocoParams.mmdet().maxDets());
  }

  @Test
  void maxDetsAreSortedAndValidated() {
    assertArrayEquals(
        new int[] {10, 100, 1000}, CocoParams.defaults().withMaxDets(1000, 10, 100).maxDets());
    assertThrows(IllegalArgumentException.class, () -> CocoParams.defaults().withMaxDets(0, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> CocoParams.defaults().withMaxDets());
  }

  @Test
  void paramsAreImmutable() {
    CocoParams p = CocoParams.defaults();
    p.iouThrs()[8] = 0.9;
    p.maxDets()[0] = 7;
    assertEquals(0.8999999999999999, p.iouThrs()[8], 0.0);
    assertEquals(1, p.maxDets()[0]);
  }
}
