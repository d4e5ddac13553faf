package dev.detkit.data;

import org.opencv.core.Mat;

/**
 * Loads OpenCV's native library (bundled in the openpnp jar) once, with OpenCV's own thread pool
 * off (mmdet's {@code opencv_num_threads=0}): detkit decodes and transforms images on its loader
 * threads, and OpenCV's spinning workers would otherwise take CPU from the network (a quickstart
 * training iteration ran about 30% slower after the dataset generator had woken them).
 */
public final class OpenCv {
  private static volatile boolean loaded;

  private OpenCv() {}

  /** Ensures the native library is loaded; idempotent and thread-safe. */
  public static void load() {
    if (!loaded) {
      synchronized (OpenCv.class) {
        if (!loaded) {
          nu.pattern.OpenCV.loadLocally();
          org.opencv.core.Core.setNumThreads(0);
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
