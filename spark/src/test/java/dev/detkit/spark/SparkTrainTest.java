package dev.detkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.data.synthetic.SyntheticShapes;
import dev.detkit.tools.RankProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark train} in {@code local[2]}: two barrier tasks, each running one rank in a JVM of its
 * own, give the checkpoint of {@code ./detkit train --launcher local --nproc 2} from the same start
 * (the tools module's {@code LibtorchDataParallelTest} ties that one to a single process averaging
 * the two ranks' gradients); a rank that fails fails the job in one line. The tiny fixture config
 * (64x64 synthetic shapes, 6 images, batch 1 per rank: 3 steps), 1 libtorch thread per rank.
 */
class SparkTrainTest {
  static final Path CONFIG = Path.of("../engine/src/test/resources/tiny_shapes.yaml");

  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void setUp() {
    String backendPath = System.getProperty("detkit.backend.path");
    assumeTrue(
        backendPath != null && Files.isDirectory(Path.of(backendPath)),
        "libtorch backend folder not built (mvn package builds backends/libtorch/target/backend)");
    data = tmp.resolve("shapes");
    SyntheticShapes.generate(new SyntheticShapes.Spec(5, 6, 2, 64, 1, 3, 12, 32), data);
  }

  static List<String> cfgOptions() {
    return List.of(
        "train_dataloader.dataset.data_root=" + data + "/",
        "val_dataloader.dataset.data_root=" + data + "/",
        "val_evaluator.ann_file=" + data.resolve("annotations/instances_val.json"),
        "train_dataloader.batch_size=1",
        "param_scheduler=null",
        "train_cfg.max_epochs=1",
        "train_cfg.val_interval=100");
  }

  static SparkCommandsTest.Run sparkTrain(Path work, List<String> cfgOptions) {
    List<String> a = new ArrayList<>(List.of("train", CONFIG.toString(), "--world-size", "2"));
    a.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false"));
    a.addAll(List.of("--backend", "libtorch", "--work-dir", work.toString()));
    a.addAll(List.of("--dist-timeout", "120", "--job-timeout", "240", "--cfg-options"));
    a.addAll(cfgOptions);
    return SparkCommandsTest.spark(a.toArray(String[]::new));
  }

  @Test
  void twoBarrierTasksTrainAsTheLocalLauncher() throws Exception {
    Path viaSpark = tmp.resolve("spark");
    SparkCommandsTest.Run r = sparkTrain(viaSpark, cfgOptions());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("spark train: 2 ranks finished"), r.out());
    assertTrue(r.out().contains("(2 ranks)"), r.out()); // rank 0's own last line
    assertTrue(Files.isRegularFile(viaSpark.resolve("epoch_1.safetensors")));

    Path viaLauncher = tmp.resolve("launcher");
    List<String> args =
        new ArrayList<>(List.of("train", CONFIG.toString(), "--backend", "libtorch"));
    args.addAll(List.of("--work-dir", viaLauncher.toString(), "--launcher", "local"));
    args.addAll(List.of("--nproc", "2", "--master-port", Integer.toString(freePort())));
    args.addAll(List.of("--dist-timeout", "120", "--cfg-options"));
    args.addAll(cfgOptions());
    List<String> opts = new ArrayList<>(RankProcess.jvmOptions());
    opts.add("-Ddetkit.threads=1"); // as each Spark task's rank gets spark.task.cpus = 1
    Process p =
        new ProcessBuilder(RankProcess.command(opts, RankProcess.classPath(), args))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("launcher.log").toFile())
            .start();
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "--launcher local did not finish in 240 s");
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("launcher.log")));

    Map<String, TensorData> expected = Checkpoints.load(viaLauncher.resolve("epoch_1.safetensors"));
    Map<String, TensorData> actual = Checkpoints.load(viaSpark.resolve("epoch_1.safetensors"));
    assertEquals(expected.keySet(), actual.keySet());
    double worst = 0;
    int compared = 0;
    for (Map.Entry<String, TensorData> e : expected.entrySet()) {
      if (!e.getValue().type().isFloat()) {
        assertArrayEquals(e.getValue().toLongs(), actual.get(e.getKey()).toLongs(), e.getKey());
        continue;
      }
      float[] want = e.getValue().toFloats();
      float[] got = actual.get(e.getKey()).toFloats();
      double maxAbs = 0;
      double scale = 0;
      for (int i = 0; i < want.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs((double) got[i] - want[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      assertTrue(maxAbs <= 1e-5 * scale, e.getKey() + ": max-rel " + maxAbs / scale);
      worst = Math.max(worst, scale == 0 ? maxAbs : maxAbs / scale);
      compared++;
    }
    System.out.printf(
        "spark train vs --launcher local: %d float tensors, worst max-rel %.2e%n", compared, worst);
    assertTrue(compared >= 263, "the tiny model's 263 weight tensors, got " + compared);
  }

  @Test
  void aFailingRankFailsTheJobInOneLine() {
    List<String> bad = new ArrayList<>(cfgOptions());
    bad.set(0, "train_dataloader.dataset.data_root=" + tmp.resolve("missing") + "/");
    SparkCommandsTest.Run r = sparkTrain(tmp.resolve("failed"), bad);
    assertEquals(1, r.code(), r.err());
    String line = r.err().strip();
    assertEquals(1, line.lines().count(), r.err());
    assertTrue(
        line.matches("error: spark train: rank [01] of 2 on .* exited with code [12]: error: .*"),
        line);
  }

  @Test
  void moreRanksThanSlotsIsOneLine() {
    SparkCommandsTest.Run r =
        SparkCommandsTest.spark(
            "train", CONFIG.toString(), "--world-size", "3", "--master", "local[2]");
    assertEquals(2, r.code(), r.err());
    assertEquals(
        "error: spark train: --world-size 3 needs 3 task slots at once (one barrier task per"
            + " rank), local[2] has 2",
        r.err().strip());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
