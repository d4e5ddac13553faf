package dev.detkit.engine.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** save_best without a rule: mmengine's inference from the metric's name. */
class CheckpointRuleTest {
  static CheckpointHook.Args args(List<String> greater, List<String> less) {
    return new CheckpointHook.Args(
        1, true, -1, "auto", null, true, true, true, null, greater, less);
  }

  static final List<String> GREATER =
      List.of("acc", "top", "AR@", "auc", "precision", "mAP", "mDice", "mIoU", "mAcc", "aAcc");

  @Test
  void mmengineDefaults() {
    CheckpointHook.Args a = args(GREATER, List.of("loss"));
    assertEquals("greater", CheckpointHook.inferRule("coco/bbox_mAP", a));
    assertEquals("greater", CheckpointHook.inferRule("bbox_mAP_50", a));
    assertEquals("less", CheckpointHook.inferRule("val/loss_cls", a));
    assertEquals("less", CheckpointHook.inferRule("LOSS", a));
  }

  @Test
  void exactMatchBeforeSubstringAndUnknownNames() {
    // "top_loss" contains a greater key (top) and a less key (loss): substrings try greater first.
    CheckpointHook.Args a = args(GREATER, List.of("loss"));
    assertEquals("greater", CheckpointHook.inferRule("top_loss", a));
    // An exact less key wins over a greater key contained in it.
    assertEquals("less", CheckpointHook.inferRule("macc", args(List.of("acc"), List.of("mAcc"))));
    ConfigException e =
        assertThrows(ConfigException.class, () -> CheckpointHook.inferRule("coco/ece", a));
    assertTrue(e.getMessage().contains("set rule: greater or less"), e.getMessage());
  }
}
