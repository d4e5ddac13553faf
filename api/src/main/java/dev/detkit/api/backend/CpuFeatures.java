package dev.detkit.api.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/** The instruction-set flags of this machine's CPU, as Linux reports them in /proc/cpuinfo. */
public final class CpuFeatures {
  /** The flags that give oneDNN native bfloat16 dot products (AVX512-BF16, AMX-BF16). */
  public static final Set<String> NATIVE_BF16 = Set.of("avx512_bf16", "amx_bf16");

  private static Set<String> flags;

  private CpuFeatures() {}

  /** The first processor's {@code flags} line; empty where /proc/cpuinfo cannot be read. */
  public static synchronized Set<String> flags() {
    if (flags == null) {
      flags = read(Path.of("/proc/cpuinfo"));
    }
    return flags;
  }

  static Set<String> read(Path cpuinfo) {
    try {
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.startsWith("flags")) {
          String list = line.substring(line.indexOf(':') + 1).trim();
          return Set.copyOf(new TreeSet<>(Arrays.asList(list.split("\\s+"))));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux or not readable: no flag is known, so nothing is assumed native.
    }
    return Set.of();
  }

  /** The native-bfloat16 flags among {@code flags}, sorted; empty when there are none. */
  public static Set<String> nativeBf16(Set<String> flags) {
    Set<String> out = new TreeSet<>(flags);
    out.retainAll(NATIVE_BF16);
    return out;
  }
}
