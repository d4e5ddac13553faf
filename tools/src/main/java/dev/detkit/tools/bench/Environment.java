package dev.detkit.tools.bench;

import dev.detkit.api.tensor.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a benchmark figure depends on besides the model: machine, JDK, backend. */
public final class Environment {
  private Environment() {}

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }

  public static Map<String, Object> describe(Backend b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("backend", b.name());
    m.put("backend_version", b.version());
    m.put("threads", b.threads());
    m.put("cpu", cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    String v = Environment.class.getPackage().getImplementationVersion();
    m.put("detkit_version", v == null ? "0.1.0-SNAPSHOT" : v);
    m.put("glibc_tunables", System.getenv().getOrDefault("GLIBC_TUNABLES", ""));
    // libtorch's kernel ISA for elementwise ops ("" = its own choice); the launcher sets avx2.
    m.put("aten_cpu_capability", System.getenv().getOrDefault("ATEN_CPU_CAPABILITY", ""));
    return m;
  }
}
