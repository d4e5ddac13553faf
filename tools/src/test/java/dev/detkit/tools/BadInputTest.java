package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Checkpoints;
import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.StoredType;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.testing.Fixtures;
import dev.detkit.api.testing.PthFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input contract of every command: exit 2 and one line naming the file and key for what the
 * user can fix, checked before any expensive work; no stack trace; outputs never clobbered.
 */
class BadInputTest {
  static final String CONFIG = InferCommandTest.FIXTURE_CONFIG;
  static final String SMALL = InferCommandTest.SMALL;

  @TempDir Path dir;

  private static ConfigCommandsTest.Run run(String... args) {
    return ConfigCommandsTest.run(args);
  }

  /** Exit 2 with {@code what} on stderr and no stack trace. */
  private static void assertUserError(ConfigCommandsTest.Run r, String what) {
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains(what), r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:"), r.err());
  }

  @Test
  void convertCheckpointNeverClobbersItsSource() throws IOException {
    Path src = dir.resolve("w.safetensors");
    Files.copy(Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors"), src);
    byte[] before = Files.readAllBytes(src);
    assertUserError(run("convert-checkpoint", src.toString(), src.toString()), "is IN");
    Path alias = dir.resolve("./w.safetensors");
    assertUserError(run("convert-checkpoint", src.toString(), alias.toString()), "is IN");
    assertArrayEquals(before, Files.readAllBytes(src));
    assertUserError(
        run("convert-checkpoint", src.toString(), dir.resolve("o.pth").toString()),
        "expected a .safetensors file name");
    assertUserError(
        run("convert-checkpoint", src.toString(), dir.resolve("no/o.safetensors").toString()),
        "does not exist");
    Path empty = dir.resolve("empty.pth");
    PthFiles.empty(empty);
    assertUserError(
        run("convert-checkpoint", empty.toString(), dir.resolve("e.safetensors").toString()),
        "holds no tensors");
    assertFalse(Files.exists(dir.resolve("e.safetensors")));
    ConfigCommandsTest.Run ok =
        run("convert-checkpoint", src.toString(), dir.resolve("copy.safetensors").toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals(
        Checkpoints.load(src).keySet(), Checkpoints.load(dir.resolve("copy.safetensors")).keySet());
  }

  @Test
  void zipBombCheckpointIsOneLine() throws IOException {
    Path bomb = dir.resolve("bomb.pth");
    PthFiles.oneTensor(bomb, "w", 4, new long[] {4}, new long[] {1}, 128L << 20);
    assertUserError(
        run("convert-checkpoint", bomb.toString(), dir.resolve("b.safetensors").toString()),
        bomb + ": storage '0' has 134217728 bytes");
  }

  @Test
  void inferChecksItsArgumentsBeforeBuildingAnything() throws IOException {
    Path img = Fixtures.dir("retinanet_effb0_small").resolve("image.png");
    Path emptyDir = Files.createDirectories(dir.resolve("none"));
    Files.writeString(emptyDir.resolve("notes.txt"), "x");
    assertUserError(run("infer", CONFIG, "--image", emptyDir.toString()), "holds no image files");
    for (String thr : List.of("NaN", "1.5", "-0.1")) {
      assertUserError(
          run("infer", CONFIG, "--image", img.toString(), "--score-thr", thr),
          "--score-thr: expected a score in [0, 1]");
    }
    assertUserError(
        run(
            "infer",
            CONFIG,
            "--image",
            img.toString(),
            "--out",
            dir.resolve("x/y.json").toString()),
        "does not exist");
    assertUserError(
        run("infer", CONFIG, "--image", img.toString(), "--out", dir.toString()), "is a folder");
    Path file = Files.writeString(dir.resolve("f.txt"), "x");
    assertUserError(
        run("infer", CONFIG, "--image", img.toString(), "--show-dir", file.toString()),
        "is a file; expected a folder");
    assertUserError(
        run(
            "infer",
            CONFIG,
            "--image",
            img.toString(),
            "--checkpoint",
            dir.resolve("missing.pth").toString()),
        "missing.pth: file not found");
    assertUserError(
        run("test", CONFIG, "--out", dir.resolve("x/r.json").toString()), "does not exist");
  }

  @Test
  void inferWritesJsonLinesAndSaysWhenWeightsAreRandom() throws IOException {
    Path img = Fixtures.dir("retinanet_effb0_small").resolve("image.png");
    Path out = dir.resolve("d.jsonl");
    ConfigCommandsTest.Run r =
        run(
            "infer",
            CONFIG,
            "--image",
            img.toString(),
            "--out",
            out.toString(),
            "--cfg-options",
            SMALL,
            "model.backbone.init_cfg=None");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("the detector has random weights"), r.err());
    List<String> lines = Files.readAllLines(out);
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith("{\"image\":") && lines.get(0).endsWith("}"), lines.get(0));
  }

  @Test
  void nonFiniteAndIntegerWeightsAreReported() throws IOException {
    Map<String, TensorData> sd =
        new LinkedHashMap<>(
            Checkpoints.load(Fixtures.dir("retinanet_effb0_small").resolve("weights.safetensors")));
    String key = "bbox_head.retina_cls.weight";
    TensorData w = sd.get(key);
    float[] v = w.toFloats();
    v[0] = Float.NaN;
    v[1] = Float.POSITIVE_INFINITY;
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    sd.put(key, new TensorData(StoredType.F32, w.shape(), b));
    TensorData bias = sd.get("bbox_head.retina_cls.bias");
    ByteBuffer ints = ByteBuffer.allocate(bias.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
    sd.put("bbox_head.retina_cls.bias", new TensorData(StoredType.I32, bias.shape(), ints));
    Path bad = dir.resolve("nan.safetensors");
    Safetensors.write(bad, sd, Map.of());
    Path img = Fixtures.dir("retinanet_effb0_small").resolve("image.png");
    ConfigCommandsTest.Run r =
        run(
            "infer",
            CONFIG,
            "--checkpoint",
            bad.toString(),
            "--image",
            img.toString(),
            "--out",
            dir.resolve("o.json").toString(),
            "--cfg-options",
            SMALL);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.err().contains("1 parameter(s) hold NaN or infinity (first: " + key + " (2 of"), r.err());
    assertTrue(r.err().contains("1 float parameter(s) are stored as integers"), r.err());
  }

  @Test
  void checkReportsEveryProblemAcrossSections() throws IOException {
    Path cfg =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "_base_: "
                + Path.of(CONFIG).toAbsolutePath()
                + "\n"
                + "default_hooks: {timer: {type: IterTimerHok}}\n"
                + "test_dataloader: {dataset: {pipeline: [{type: LoadImageFromFile}, {type: Resize,"
                + " scale: [0, 320], keep_ratio: true}]}}\n"
                + "test_evaluator: {type: CocoMetric, metric: segm}\n");
    ConfigCommandsTest.Run r = run("check", cfg.toString());
    assertUserError(r, "default_hooks.timer.type");
    assertTrue(r.err().contains("did you mean 'IterTimerHook'"), r.err());
    assertTrue(r.err().contains("test_dataloader.dataset.pipeline.1"), r.err());
    assertTrue(r.err().contains("scale must be positive"), r.err());
    assertTrue(r.err().contains("test_evaluator") && r.err().contains("'segm'"), r.err());
    assertTrue(r.err().contains("3 problem(s)"), r.err());
    assertUserError(run("check", Files.writeString(dir.resolve("e.yaml"), "").toString()), "empty");
  }

  @Test
  void checkRunsTheBuildersCrossComponentChecks() {
    ConfigCommandsTest.Run strides =
        run(
            "check",
            CONFIG,
            "--cfg-options",
            "model.bbox_head.anchor_generator.strides=[8,16,32,64]");
    assertUserError(strides, "model.bbox_head");
    assertTrue(strides.err().contains("has 4 levels, but the head receives 5"), strides.err());
    ConfigCommandsTest.Run channels =
        run("check", CONFIG, "--cfg-options", "model.neck.in_channels=[40,112]");
    assertUserError(channels, "model.neck");
    assertTrue(
        channels.err().contains("backbone's output channels [40, 112, 320]"), channels.err());
    ConfigCommandsTest.Run std =
        run("check", CONFIG, "--cfg-options", "model.data_preprocessor.std=[1,0,1]");
    assertUserError(std, "std must be finite and non-zero");
  }

  @Test
  void flopsAndShapesAreCheckedBeforeAnyOutput() {
    ConfigCommandsTest.Run depth = run("flops", CONFIG, "--depth", "-1");
    assertUserError(depth, "--depth: expected 0 or more");
    assertEquals("", depth.out());
    assertUserError(run("flops", CONFIG, "--shape", "0", "0"), "--shape: expected height");
    assertUserError(run("benchmark", CONFIG, "--shape", "-5", "64"), "--shape: expected height");
  }

  @Test
  void internalFailuresExitOneAndSaySo() {
    StringWriter s = new StringWriter();
    int code =
        DetkitCli.report(
            new IllegalArgumentException("conv2d: weight [8, 3, 3, 3] vs input [1, 4, 8, 8]"),
            false,
            new PrintWriter(s));
    assertEquals(1, code);
    assertTrue(s.toString().startsWith("error: internal error: "), s.toString());
    assertTrue(s.toString().contains("--debug"), s.toString());
    assertEquals(1, s.toString().lines().count());
  }
}
