package dev.detkit.engine;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory figures of this process: peak resident set (VmHWM, native libtorch/ND4J memory included),
 * current RSS, peak Java heap use, and direct (off-heap) buffers.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  /** A {@code /proc/self/status} field in kB ({@code VmHWM}, {@code VmRSS}), or -1. */
  public static long procStatusKb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Peak heap use summed over heap pools, in bytes. */
  public static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** The figures in MiB, with documented keys. */
  public static Map<String, Object> snapshotMb() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rss_peak", procStatusKb("VmHWM") / 1024.0);
    m.put("rss_now", procStatusKb("VmRSS") / 1024.0);
    m.put("heap_peak", heapPeak() / 1048576.0);
    long direct = 0;
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      direct += b.getMemoryUsed();
    }
    m.put("direct_buffers", direct / 1048576.0);
    return m;
  }
}
