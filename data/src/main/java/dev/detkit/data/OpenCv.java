package dev.detkit.data;

import org.opencv.core.Mat;

/** Loads OpenCV's native library (bundled in the openpnp jar) once. */
public final class OpenCv {
  private static volatile boolean loaded;

  private OpenCv() {}

  /** Ensures the native library is loaded; idempotent and thread-safe. */
  public static void load() {
    if (!loaded) {
      synchronized (OpenCv.class) {
        if (!loaded) {
          nu.pattern.OpenCV.loadLocally();
          loaded = true;
        }
      }
    }
  }

  /** The bytes of an 8-bit image in row-major HWC order. */
  static byte[] bytes(Mat m) {
    Mat c = m.isContinuous() ? m : m.clone();
    byte[] out = new byte[(int) (c.total() * c.channels())];
    c.get(0, 0, out);
    return out;
  }
}
