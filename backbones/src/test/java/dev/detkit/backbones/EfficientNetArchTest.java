package dev.detkit.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.detkit.backbones.EfficientNetArch.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The block strings read as timm writes them; the scaled tables are covered by parameter counts.
 */
class EfficientNetArchTest {
  @Test
  void aBlockStringRepeatsWithStrideOnlyOnTheFirst() {
    assertEquals(
        List.of(new Block(3, 24, 4, 2, 6, 0), new Block(3, 24, 4, 1, 6, 0)),
        EfficientNetArch.parse("ir_r2_k3_s2_e6_c24_se0.25"));
    assertEquals(
        List.of(new Block(3, 24, 0, 1, 3, 1)), EfficientNetArch.parse("er_r1_k3_s1_e3_c24"));
    assertEquals(
        List.of(new Block(1, 1280, 0, 1, 0, -1)), EfficientNetArch.parse("cn_r1_k1_s1_c1280"));
  }

  @Test
  void b3ScalesWidthAndDepthAsMmcls() {
    List<List<Block>> b3 = EfficientNetArch.scaled("b3");
    assertEquals(7, b3.size());
    assertEquals(40, b3.get(0).get(0).out(), "stem: make_divisible(32 * 1.2, 8)");
    assertEquals(List.of(1, 2, 3, 3, 5 + 5, 6 + 2, 1), b3.stream().map(List::size).toList());
  }

  @Test
  void anUnknownBlockTypeOrFieldIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> EfficientNetArch.parse("xx_r1_k3_s1_c8"));
    assertThrows(IllegalArgumentException.class, () -> EfficientNetArch.parse("ir_r1_q3_s1_c8"));
  }
}
