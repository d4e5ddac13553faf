package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} and {@code quickstart} as a user meets them: help, listing, clear refusals. */
class TrainCommandTest {
  static final Path QUICKSTART =
      Path.of(
          System.getProperty("detkit.root", ".."),
          "configs/quickstart/retinanet_effb0_fpn_shapes.yaml");

  @TempDir Path dir;

  @Test
  void helpListsTheOptions() {
    ConfigCommandsTest.Run r = ConfigCommandsTest.run("train", "--help");
    assertEquals(0, r.code(), r.err());
    for (String opt : new String[] {"--work-dir", "--resume", "--backend", "--cfg-options"}) {
      assertTrue(r.out().contains(opt), opt + " in " + r.out());
    }
    ConfigCommandsTest.Run q = ConfigCommandsTest.run("quickstart", "--help");
    assertEquals(0, q.code(), q.err());
    assertTrue(q.out().contains("--work-dir"), q.out());
  }

  @Test
  void trainingComponentsAreRegistered() {
    ConfigCommandsTest.Run r = ConfigCommandsTest.run("list", "hook");
    assertEquals(0, r.code(), r.err());
    for (String h :
        new String[] {"LoggerHook", "CheckpointHook", "ParamSchedulerHook", "IterTimerHook"}) {
      assertTrue(r.out().contains(h), h + " in " + r.out());
    }
    assertTrue(ConfigCommandsTest.run("list", "loss").out().contains("FocalLoss"));
    assertTrue(ConfigCommandsTest.run("list", "assigner").out().contains("MaxIoUAssigner"));
    assertTrue(ConfigCommandsTest.run("list", "optimizer").out().contains("SGD"));
  }

  @Test
  void aBackendWithoutAutogradIsRefusedInOneLine() {
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "train", QUICKSTART.toString(), "--backend", "nd4j", "--work-dir", dir.toString());
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains("autograd"), r.err());
    assertFalse(r.err().strip().contains("\n"), r.err());
  }

  @Test
  void anUnknownHookNamesTheKnownOnes() throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(
        cfg,
        "_base_: "
            + QUICKSTART.toAbsolutePath()
            + "\ndefault_hooks:\n  logger: {type: LogerHook, interval: 5}\n");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("train", cfg.toString(), "--work-dir", dir.resolve("w").toString());
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains("default_hooks.logger"), r.err());
    assertTrue(r.err().contains("LoggerHook"), r.err());
  }
}
