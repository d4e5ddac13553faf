package dev.detkit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.data.synthetic.SyntheticShapes;
import dev.detkit.engine.hooks.EMAHook;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EMAHook in a real (tiny) training run: the checkpoint's model weights are the ExpMomentumEMA of
 * the weights after each iteration, computed here in double precision from a recording of them, and
 * the training weights are kept under ema_state_dict.module. (mmengine's layout).
 */
class EmaHookTest {
  @TempDir static Path tmp;

  @BeforeAll
  static void generate() {
    TrainingRunTest.data = tmp.resolve("shapes");
    SyntheticShapes.generate(
        new SyntheticShapes.Spec(3, 12, 8, 64, 1, 3, 12, 32), TrainingRunTest.data);
  }

  @Test
  void checkpointHoldsTheExpMomentumAverageOfEveryIteration() throws java.io.IOException {
    String key = "bbox_head.retina_cls.bias";
    TestHooksModule.RECORDED.clear();
    Path file = tmp.resolve("ema.yaml");
    java.nio.file.Files.writeString(
        file,
        "_base_: "
            + Path.of("src/test/resources/tiny_shapes.yaml").toAbsolutePath()
            + "\ntrain_cfg: {max_epochs: 2, val_interval: 100}\n"
            + "default_hooks: {checkpoint: {save_best: null}}\n"
            + "custom_hooks:\n"
            + "  - {type: RecordParamHook, key: "
            + key
            + "}\n"
            + "  - {type: EMAHook, ema_type: ExpMomentumEMA, momentum: 0.2, gamma: 4,"
            + " update_buffers: true, priority: 49}\n");
    ResolvedConfig withEma = TrainingRunTest.config(file);
    Path dir = tmp.resolve("ema");
    TrainingRunTest.train(withEma, dir, false);
    List<float[]> seen = TestHooksModule.RECORDED;
    assertEquals(6, seen.size(), "2 epochs of 3 iterations");
    EMAHook.Args a = new EMAHook.Args("ExpMomentumEMA", 0.2, 4, 1, true, false, 0, 0, 49);
    double[] avg = new double[seen.get(0).length];
    for (int i = 0; i < avg.length; i++) {
      avg[i] = seen.get(0)[i];
    }
    for (int step = 1; step < seen.size(); step++) {
      double m = (1 - a.momentum()) * Math.exp(-(1.0 + step) / a.gamma()) + a.momentum();
      for (int i = 0; i < avg.length; i++) {
        avg[i] += m * (seen.get(step)[i] - avg[i]);
      }
    }
    Path ckpt = dir.resolve("epoch_2.safetensors");
    float[] saved = Checkpoints.load(ckpt).get(key).toFloats();
    Map<String, TensorData> all = Safetensors.read(ckpt);
    float[] training = all.get(EMAHook.PREFIX + key).toFloats();
    float[] last = seen.get(seen.size() - 1);
    double maxErr = 0;
    double moved = 0;
    for (int i = 0; i < avg.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(saved[i] - avg[i]));
      moved = Math.max(moved, Math.abs(saved[i] - last[i]));
      assertEquals(last[i], training[i], "training weights kept under " + EMAHook.PREFIX);
    }
    assertTrue(maxErr < 1e-6, "EMA max abs error " + maxErr);
    assertTrue(moved > 1e-6, "the average differs from the last weights");
    assertTrue(
        Checkpoints.load(ckpt).keySet().stream().noneMatch(k -> k.startsWith("ema_state_dict.")),
        "loading a model from the checkpoint takes the averaged weights only");
  }
}
