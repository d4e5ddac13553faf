package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code print-config}, {@code check} and {@code list} as a user runs them, exit codes included.
 */
class ConfigCommandsTest {
  static final Path SEED =
      Path.of(
          System.getProperty("detkit.root", ".."),
          "configs/efficientnet/retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml");

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = DetkitCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** Exit 2, one line on stderr naming the file and the key, no stack trace. */
  private static void assertConfigError(Run r, Path file, String key, String what) {
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    String line = r.err().strip();
    assertFalse(line.contains("\n"), "one line: " + line);
    assertFalse(line.contains("Exception"), "no stack trace: " + line);
    assertTrue(line.contains(file.getFileName().toString()), "names the file: " + line);
    assertTrue(line.contains(key), "names the key '" + key + "': " + line);
    assertTrue(line.contains(what), "says '" + what + "': " + line);
  }

  /** A bad runtime option, read once at the edge, is one line naming the property, exit 2. */
  @Test
  void badRuntimeOptionIsOneLineNamingTheProperty() {
    System.setProperty("detkit.progress", "fancy");
    try {
      Run r = run("list", "neck");
      assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
      assertEquals(
          "error: detkit.progress: expected auto, bar or lines, got 'fancy'", r.err().strip());
    } finally {
      System.clearProperty("detkit.progress");
    }
  }

  /** Every model-running command takes the shared model options and answers --help. */
  @ParameterizedTest
  @ValueSource(strings = {"infer", "benchmark", "test"})
  void modelCommandsShareTheirOptions(String command) {
    Run r = run(command, "--help");
    assertEquals(0, r.code(), r.err());
    for (String opt : List.of("CONFIG", "--checkpoint", "--backend", "--layout", "--cfg-options")) {
      assertTrue(r.out().contains(opt), command + " --help lists " + opt + ":\n" + r.out());
    }
  }

  /** Every config-reading command takes CONFIG and --cfg-options the same way. */
  @ParameterizedTest
  @ValueSource(strings = {"print-config", "check", "flops", "extract"})
  void configCommandsShareTheirOptions(String command) {
    Run r = run(command, "--help");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("CONFIG") && r.out().contains("--cfg-options"), r.out());
  }

  @Test
  void badLayoutIsAUsageError() {
    Run r = run("benchmark", SEED.toString(), "--layout", "nhwc");
    assertEquals(DetkitCli.USAGE_ERROR, r.code(), r.err());
    assertTrue(r.err().contains("--layout: expected nchw or channels_last"), r.err());
  }

  @Test
  void printConfigJsonShowsTheSeedModel() {
    Run r = run("print-config", SEED.toString(), "--format", "json");
    assertEquals(0, r.code(), r.err());
    String out = r.out();
    assertTrue(out.contains("\"type\": \"EfficientNet\""), out);
    assertTrue(out.contains("\"arch\": \"b3\""), out);
    assertFalse(out.contains("\"depth\""), "ResNet keys removed by _delete_");
    assertTrue(out.contains("\"start_level\": 0"), out);
    assertTrue(out.contains("\"add_extra_convs\": \"on_input\""), out);
    assertTrue(out.contains("\"type\": \"RetinaSepBNHead\""), out);
    assertTrue(out.contains("\"neg_iou_thr\": 0.5"), out);
    assertTrue(out.contains("\"octave_base_scale\": 4"), out);
  }

  @Test
  void printConfigAppliesCfgOptions() {
    Run r =
        run(
            "print-config",
            SEED.toString(),
            "--format",
            "json",
            "--cfg-options",
            "model.bbox_head.num_classes=3",
            "train_dataloader.batch_size=2",
            "model.neck.in_channels=[1,2,3]");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"num_classes\": 3"), r.out());
    assertTrue(r.out().contains("\"batch_size\": 2"), r.out());
    assertTrue(r.out().contains("\"in_channels\": [1, 2, 3]"), r.out());
  }

  @Test
  void printConfigOriginsNameFileAndLine() {
    Run r = run("print-config", SEED.toString(), "--origins");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .matches("(?s).*arch: b3  # \\S*retinanet_effb3_fpn_8xb4-crop896-1x_coco.yaml:\\d+.*"),
        r.out());
    assertTrue(
        r.out().matches("(?s).*num_classes: 80  # \\S*retinanet_r50_fpn.yaml:\\d+.*"), r.out());
  }

  @Test
  void missingBase() throws IOException {
    Path f = write("c.yaml", "_base_: [missing.yaml]\n");
    assertConfigError(run("print-config", f.toString()), f, "_base_", "not found");
  }

  @Test
  void baseCycle() throws IOException {
    write("a.yaml", "_base_: b.yaml\n");
    Path b = write("b.yaml", "_base_: a.yaml\n");
    assertConfigError(run("print-config", dir.resolve("a.yaml").toString()), b, "_base_", "cycle");
  }

  @Test
  void keyDuplicatedAcrossBases() throws IOException {
    write("x.yaml", "model: {}\n");
    write("y.yaml", "model: {}\n");
    Path c = write("c.yaml", "_base_: [x.yaml, y.yaml]\n");
    assertConfigError(run("print-config", c.toString()), c, "model", "two bases");
  }

  @Test
  void malformedYaml() throws IOException {
    Path f = write("bad.yaml", "model:\n  type: [RetinaNet\n");
    assertConfigError(run("print-config", f.toString()), f, "bad.yaml:", "malformed YAML");
  }

  @Test
  void unknownType() throws IOException {
    Path f = write("m.yaml", "model:\n  type: TestDetector\n  backbone: {type: TestBackbon}\n");
    assertConfigError(
        run("check", f.toString()), f, "model.backbone.type", "did you mean 'TestBackbone'");
  }

  @Test
  void unknownArgument() throws IOException {
    Path f =
        write(
            "m.yaml",
            "model:\n  type: TestDetector\n  backbone:\n    type: TestBackbone\n    out_indexes: [1]\n");
    assertConfigError(
        run("check", f.toString()), f, "model.backbone.out_indexes", "unknown argument");
  }

  @Test
  void wrongValueType() throws IOException {
    Path f =
        write(
            "m.yaml", "model:\n  type: TestDetector\n  backbone: {type: TestBackbone, arch: 3}\n");
    assertConfigError(
        run("check", f.toString()), f, "model.backbone.arch", "expected a string, got int");
  }

  @Test
  void checkPassesAValidConfigAndOverrides() throws IOException {
    Path f = write("m.yaml", "model:\n  type: TestDetector\n  backbone: {type: TestBackbone}\n");
    // The test detector is a bare argument record, so there is no model to build.
    Run ok = run("check", f.toString(), "--no-build", "--cfg-options", "model.backbone.arch=b3");
    assertEquals(0, ok.code(), ok.err());
    Run bad = run("check", f.toString(), "--cfg-options", "model.backbone.out_indices=[a]");
    assertEquals(DetkitCli.USAGE_ERROR, bad.code());
    assertEquals(
        "error: --cfg-options: key 'model.backbone.out_indices.0': expected an integer, got string 'a'",
        bad.err().strip(),
        "an override's origin is the command line");
  }

  @Test
  void debugPrintsTheStackTrace() throws IOException {
    Path f = write("bad.yaml", "a: [\n");
    Run r = run("print-config", f.toString(), "--debug");
    assertEquals(DetkitCli.USAGE_ERROR, r.code());
    assertTrue(r.err().contains("at dev.detkit"), r.err());
  }

  @Test
  void listShowsArgumentsAndDefaults() {
    Run r = run("list", "backbone");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("TestBackbone (clitest.TestBackbone): test backbone"), r.out());
    assertTrue(r.out().contains("out_indices: list[int] = [3, 4, 5]"), r.out());
    Run bad = run("list", "gizmo");
    assertEquals(DetkitCli.USAGE_ERROR, bad.code());
    assertTrue(bad.err().contains("kinds: backbone, neck, head"), bad.err());
  }

  @Test
  void unknownOptionIsAUsageError() {
    Run r = run("print-config", SEED.toString(), "--frobnicate");
    assertEquals(DetkitCli.USAGE_ERROR, r.code());
    assertTrue(r.err().startsWith("error: Unknown option: '--frobnicate'"), r.err());
  }
}
