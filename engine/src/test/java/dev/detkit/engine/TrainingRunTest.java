package dev.detkit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.data.synthetic.SyntheticShapes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny real training run on generated shapes: the loss falls, the work dir holds what mmengine's
 * holds, and a run killed after its first epoch resumes to exactly the losses of an uninterrupted
 * run.
 */
class TrainingRunTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void generate() {
    data = tmp.resolve("shapes");
    SyntheticShapes.generate(new SyntheticShapes.Spec(3, 12, 8, 64, 1, 3, 12, 32), data);
  }

  static ResolvedConfig config(String... extra) {
    return config(Path.of("src/test/resources/tiny_shapes.yaml"), extra);
  }

  static ResolvedConfig config(Path file, String... extra) {
    List<String> opts = new ArrayList<>();
    String root = data + "/";
    opts.add("train_dataloader.dataset.data_root=" + root);
    opts.add("val_dataloader.dataset.data_root=" + root);
    opts.add("val_evaluator.ann_file=" + data.resolve("annotations/instances_val.json"));
    opts.addAll(List.of(extra));
    return new ConfigLoader().load(file, opts);
  }

  static List<Map<String, Object>> train(ResolvedConfig cfg, Path dir, boolean resume) {
    StringWriter sink = new StringWriter();
    try (Runner r =
        new Runner(
            cfg,
            TestRuntime.context("djl"),
            dir,
            resume,
            new PrintWriter(sink),
            new PrintWriter(new StringWriter()))) {
      r.train();
    }
    return ScalarLog.read(dir.resolve("scalars.jsonl"));
  }

  static List<Double> losses(List<Map<String, Object>> recs, int epoch) {
    List<Double> out = new ArrayList<>();
    for (Map<String, Object> r : recs) {
      if ("train".equals(r.get("mode")) && ((Number) r.get("epoch")).intValue() == epoch) {
        out.add(((Number) r.get("loss")).doubleValue());
      }
    }
    return out;
  }

  static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  @Test
  void lossFallsAndTheWorkDirHasLogsCheckpointsAndCurves() {
    Path dir = tmp.resolve("run");
    List<Map<String, Object>> recs = train(config(), dir, false);
    Map<String, Object> first = recs.get(0);
    for (String k :
        List.of("epoch", "iter", "lr", "loss", "loss_cls", "loss_bbox", "memory", "time")) {
      assertTrue(first.containsKey(k), "scalars.jsonl record lacks " + k + ": " + first);
    }
    double start = mean(losses(recs, 1));
    double end = mean(losses(recs, 8));
    System.out.printf(
        "tiny training run: mean loss %.4f (epoch 1) -> %.4f (epoch 8)%n", start, end);
    assertTrue(end < start * 0.85, "mean loss " + start + " -> " + end + " did not fall by 15%");
    assertTrue(
        recs.stream().anyMatch(r -> "val".equals(r.get("mode")) && r.containsKey("bbox_mAP")),
        "a validation record with bbox_mAP");
    assertTrue(Files.isRegularFile(dir.resolve("epoch_8.safetensors")));
    assertTrue(Files.isRegularFile(dir.resolve("epoch_7.safetensors")));
    assertFalse(Files.exists(dir.resolve("epoch_6.safetensors")), "max_keep_ckpts: 2");
    assertTrue(Files.isRegularFile(dir.resolve("curves.png")));
    assertTrue(Files.isRegularFile(dir.resolve("tiny_shapes.yaml")), "resolved config");
    assertTrue(Files.isRegularFile(dir.resolve("last_checkpoint")));
  }

  @Test
  void aKilledRunResumesToTheSameLosses() throws Exception {
    Path whole = tmp.resolve("whole");
    List<Double> expected = losses(train(config(), whole, false), 2);
    Path killed = tmp.resolve("killed");
    Path killing = tmp.resolve("killing.yaml");
    Files.writeString(
        killing,
        "_base_: "
            + Path.of("src/test/resources/tiny_shapes.yaml").toAbsolutePath()
            + "\ncustom_hooks: [{type: KillAfterEpochHook, epoch: 1}]\n");
    // The "kill": a hook that stops the process right after epoch 1 has been checkpointed.
    IllegalStateException stop =
        assertThrows(IllegalStateException.class, () -> train(config(killing), killed, false));
    assertTrue(stop.getMessage().contains("killed"), stop.getMessage());
    assertTrue(losses(ScalarLog.read(killed.resolve("scalars.jsonl")), 2).isEmpty());
    List<Double> resumed = losses(train(config(), killed, true), 2);
    assertEquals(expected.size(), resumed.size(), "logged records of epoch 2");
    for (int i = 0; i < expected.size(); i++) {
      double rel = Math.abs(resumed.get(i) - expected.get(i)) / Math.abs(expected.get(i));
      assertTrue(rel <= 1e-5, "record " + i + ": " + resumed.get(i) + " vs " + expected.get(i));
    }
  }

  @Test
  void resumeWithoutCheckpointAndBadConfigsAreClear() {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> train(config("train_cfg.type=WhileLoop"), tmp.resolve("bad"), false));
    assertTrue(e.getMessage().contains("WhileLoop"), e.getMessage());
  }
}
