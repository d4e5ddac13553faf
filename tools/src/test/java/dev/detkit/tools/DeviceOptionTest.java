package dev.detkit.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.detkit.api.backend.NativeLibraryClaims;
import dev.detkit.api.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --device} on the backends of the default class path (the libtorch ones are in {@link
 * LibtorchDeviceOptionTest}): {@code cpu} changes nothing; {@code cuda} on a CPU-only backend, or
 * on ONNX Runtime without its CUDA provider (the CPU artifact), is one line and exit 2, before any
 * model is built.
 */
class DeviceOptionTest {
  @TempDir Path dir;

  static void assertOneLine(ConfigCommandsTest.Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertEquals("error: " + expected, r.err().strip(), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  static String image() {
    return Fixtures.dir("retinanet_effb0_small").resolve("image.png").toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"djl", "nd4j"})
  void cudaOnACpuOnlyBackendIsOneLine(String backend) {
    String expected =
        "--device cuda: backend '"
            + backend
            + "' runs on the CPU only in detkit; CUDA is offered by --backend libtorch (built with"
            + " -Pcuda) and --backend onnxruntime (with onnxruntime_gpu)";
    assertOneLine(
        ConfigCommandsTest.run(
            "infer",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            backend,
            "--device",
            "cuda",
            "--image",
            image()),
        expected);
    assertOneLine(
        ConfigCommandsTest.run(
            "benchmark",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            backend,
            "--device",
            "cuda",
            "--shape",
            "64",
            "96"),
        expected);
    assertOneLine(
        ConfigCommandsTest.run(
            "train",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            backend,
            "--device",
            "cuda",
            "--work-dir",
            dir.resolve("w").toString()),
        expected);
  }

  @Test
  void cudaOnOnnxRuntimeWithoutItsProviderIsOneLine() {
    assumeFalse(
        OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
        "onnxruntime_gpu is on the class path");
    String expected =
        "--device cuda:1: ONNX Runtime "
            + OrtEnvironment.getEnvironment().getVersion()
            + " here has no CUDA execution provider (available: [CPU]); it is in"
            + " com.microsoft.onnxruntime:onnxruntime_gpu: build with -Pcuda on a machine with an"
            + " NVIDIA GPU, driver, CUDA 12 and cuDNN 9";
    assertOneLine(
        ConfigCommandsTest.run(
            "infer",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            "onnxruntime",
            "--device",
            "cuda:1",
            "--image",
            image()),
        expected);
    assertOneLine(
        ConfigCommandsTest.run(
            "benchmark",
            InferCommandTest.FIXTURE_CONFIG,
            "--backend",
            "onnxruntime",
            "--device",
            "cuda:1",
            "--shape",
            "64",
            "96"),
        expected);
  }

  @Test
  void aMisspelledDeviceIsOneLine() {
    assertOneLine(
        ConfigCommandsTest.run(
            "infer", InferCommandTest.FIXTURE_CONFIG, "--device", "gpu", "--image", image()),
        "--device: expected cpu, cuda or cuda:N (mmdetection's spelling), got 'gpu'");
    assertOneLine(
        ConfigCommandsTest.run(
            "train",
            InferCommandTest.FIXTURE_CONFIG,
            "--device",
            "cuda:x",
            "--work-dir",
            dir.resolve("w").toString()),
        "--device: expected cpu, cuda or cuda:N (mmdetection's spelling), got 'cuda:x'");
  }

  /** {@code --device cpu} is the default: the same detections, byte for byte. */
  @Test
  void cpuGivesTheDefaultResults() throws IOException {
    // DJL's libtorch cannot join a JVM where another libtorch is loaded (only with -Dtest=, which
    // runs this class in the libtorch surefire execution too).
    String owner = NativeLibraryClaims.owner(NativeLibraryClaims.LIBTORCH);
    assumeTrue(owner == null || owner.contains("DJL"), "libtorch already loaded by " + owner);
    Path fx = Fixtures.dir("retinanet_effb0_small");
    Path plain = dir.resolve("plain.json");
    Path cpu = dir.resolve("cpu.json");
    for (Path out : new Path[] {plain, cpu}) {
      ConfigCommandsTest.Run r =
          ConfigCommandsTest.run(
              out == cpu
                  ? new String[] {
                    "infer",
                    InferCommandTest.FIXTURE_CONFIG,
                    "--checkpoint",
                    fx.resolve("weights.safetensors").toString(),
                    "--device",
                    "cpu",
                    "--image",
                    image(),
                    "--out",
                    out.toString()
                  }
                  : new String[] {
                    "infer",
                    InferCommandTest.FIXTURE_CONFIG,
                    "--checkpoint",
                    fx.resolve("weights.safetensors").toString(),
                    "--image",
                    image(),
                    "--out",
                    out.toString()
                  });
      assertEquals(0, r.code(), r.err());
    }
    String a = Files.readString(plain);
    assertTrue(a.contains("\"detections\""), a.substring(0, Math.min(200, a.length())));
    assertEquals(a, Files.readString(cpu));
  }
}
