package dev.detkit.api.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detkit.api.checkpoint.Safetensors;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Golden data produced by the real mmdetection code, read from {@code ../shared/fixtures} (system
 * property {@code detkit.fixtures}). Tests skip, saying why, only where that folder is absent.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The root folder of the fixtures. */
  public static Path root() {
    return Path.of(System.getProperty("detkit.fixtures", "../shared/fixtures"))
        .toAbsolutePath()
        .normalize();
  }

  /** A fixture folder; skips the test with a clear message when the fixtures are absent. */
  public static Path dir(String name) {
    Path d = root().resolve(name);
    Assumptions.assumeTrue(
        Files.isDirectory(d), "golden fixtures not found at " + d + " (set -Ddetkit.fixtures=DIR)");
    return d;
  }

  /** The tensors of a fixture's safetensors file. */
  public static Map<String, TensorData> tensors(String fixture, String file) {
    return Safetensors.read(dir(fixture).resolve(file));
  }

  /** max|a-b| and max|a-b| / max|b| of two float tensors of the same shape. */
  public record Error(double maxAbs, double maxRel) {}

  public static Error error(Tensor actual, TensorData expected) {
    assertArrayEquals(expected.shape().dims(), actual.shape().dims(), "shape");
    float[] a = actual.toFloatArray();
    float[] e = expected.toFloats();
    double maxAbs = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs((double) a[i] - e[i]));
      scale = Math.max(scale, Math.abs(e[i]));
    }
    return new Error(maxAbs, scale == 0 ? maxAbs : maxAbs / scale);
  }

  /** Asserts relative error (to the tensor's max magnitude) within {@code tol}; returns it. */
  public static Error assertClose(Tensor actual, TensorData expected, double tol, String what) {
    Error err = error(actual, expected);
    assertTrue(
        err.maxRel() <= tol,
        what + ": max rel error " + err.maxRel() + " (max abs " + err.maxAbs() + ") > " + tol);
    return err;
  }
}
