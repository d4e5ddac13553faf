package dev.detkit.tools;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.detkit.api.backend.NativeLibraryClaims;
import dev.detkit.api.testing.TestRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --device cuda[:N]} with {@code --backend libtorch} and the default (CPU) build of the
 * backend folder: one line, exit 2, on every command that takes {@code --backend}. Runs in the
 * {@code libtorch} surefire execution (a JVM where DJL's libtorch is never loaded).
 */
class LibtorchDeviceOptionTest {
  @TempDir java.nio.file.Path dir;

  @BeforeAll
  static void backendFolderBuilt() {
    assumeTrue(
        TestRuntime.backends().names().contains("libtorch"),
        "libtorch backend folder not built (mvn package builds backends/libtorch/target/backend)");
    String owner = NativeLibraryClaims.owner(NativeLibraryClaims.LIBTORCH);
    assumeTrue(owner == null || !owner.contains("DJL"), "DJL's libtorch is loaded in this JVM");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cuda", "cuda:1"})
  void cudaOnTheCpuBuildIsOneLine(String device) {
    String expected =
        "--device "
            + device
            + ": libtorch 2.10.0 (CPU build) sees no CUDA device; build the backend with -Pcuda on"
            + " a machine with an NVIDIA GPU and driver";
    DeviceOptionTest.assertOneLine(
        ConfigCommandsTest.run(
            "infer",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            "libtorch",
            "--device",
            device,
            "--image",
            DeviceOptionTest.image()),
        expected);
    DeviceOptionTest.assertOneLine(
        ConfigCommandsTest.run(
            "benchmark",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            "libtorch",
            "--device",
            device,
            "--shape",
            "64",
            "96"),
        expected);
    DeviceOptionTest.assertOneLine(
        ConfigCommandsTest.run(
            "train",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            "libtorch",
            "--device",
            device,
            "--work-dir",
            dir.resolve("w").toString()),
        expected);
  }
}
