package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detkit.api.backend.CpuFeatures;
import dev.detkit.api.testing.TestRuntime;
import dev.detkit.api.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dtype} on libtorch 2.10 (the backend with bfloat16): the benchmark record says what was
 * asked and what ran (bf16 without native bfloat16 is float32 with a one-line notice; bf16-emulated
 * runs the bfloat16 path), and a suite's {@code dtypes} axis gives one cell per dtype. Runs in the
 * {@code libtorch} surefire execution.
 */
class LibtorchDtypeTest {
  static final boolean NATIVE_BF16 = !CpuFeatures.nativeBf16(CpuFeatures.flags()).isEmpty();

  @TempDir Path dir;

  @BeforeAll
  static void backendFolderBuilt() {
    assumeTrue(
        TestRuntime.backends().names().contains("libtorch"),
        "libtorch backend folder not built (mvn package builds backends/libtorch/target/backend)");
  }

  @Test
  void benchmarkRecordsRequestedAndEffectiveDtype() {
    ConfigCommandsTest.Run asked = bench("bf16");
    JsonNode p = protocol(asked);
    assertEquals("bf16", p.get("dtype_requested").asText());
    assertEquals(NATIVE_BF16 ? "bf16" : "float32", p.get("dtype").asText());
    assertEquals(!NATIVE_BF16, asked.err().contains("notice: --dtype bf16: this CPU has no"));
    JsonNode forced = protocol(bench("bf16-emulated"));
    assertEquals("bf16-emulated", forced.get("dtype_requested").asText());
    assertEquals(NATIVE_BF16 ? "bf16" : "bf16-emulated", forced.get("dtype").asText());
  }

  @Test
  void suiteDtypesAxisMeasuresEachDtypeAsItsOwnCell() throws IOException {
    Path config = Path.of(InferCommandTest.FIXTURE_CONFIG).toAbsolutePath();
    Path file = dir.resolve("suite.yaml");
    Files.writeString(
        file,
        "name: dtypes\nconfigs: ['"
            + config
            + "']\nbackends: [libtorch]\nshapes: [[64, 96]]\ndtypes: [float32, bf16-emulated]\n"
            + "num_images: 1\nwarmup: 0\n");
    Path out = dir.resolve("out");
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run("suite", file.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Path cells = out.resolve("cells");
    assertTrue(Files.isRegularFile(cells.resolve("retinanet_effb0_small__libtorch__64x96.json")));
    assertTrue(
        Files.isRegularFile(
            cells.resolve("retinanet_effb0_small__libtorch__64x96__bf16-emulated.json")));
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(3, csv.size(), String.join("\n", csv));
    assertTrue(csv.get(0).endsWith(",dtype_requested,dtype,bbox_mAP"), csv.get(0));
    assertTrue(csv.get(1).endsWith(",float32,float32,"), csv.get(1));
    String ran = NATIVE_BF16 ? "bf16" : "bf16-emulated";
    assertTrue(csv.get(2).endsWith(",bf16-emulated," + ran + ","), csv.get(2));
    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("| EfficientNet-B0 | libtorch | 64x96 |"), md);
    assertTrue(md.contains("| EfficientNet-B0 | libtorch " + ran), md);
  }

  private static ConfigCommandsTest.Run bench(String dtype) {
    ConfigCommandsTest.Run r =
        ConfigCommandsTest.run(
            "benchmark",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            "libtorch",
            "--dtype",
            dtype,
            "--shape",
            "64",
            "96",
            "--num-images",
            "1",
            "--warmup",
            "0",
            "--format",
            "json");
    assertEquals(0, r.code(), r.err());
    return r;
  }

  private static JsonNode protocol(ConfigCommandsTest.Run r) {
    return Json.parse(r.out()).get("protocol");
  }
}
