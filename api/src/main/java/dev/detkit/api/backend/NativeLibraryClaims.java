package dev.detkit.api.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of a native library per process. Two builds of libtorch (DJL's 2.7.1 and the JavaCPP
 * presets' 2.10) export the same symbols, so loading the second resolves against the first and
 * fails with an undefined symbol or worse; a backend claims the library before it loads it, and a
 * second claim is a one-line error naming both.
 */
public final class NativeLibraryClaims {
  /** The key every libtorch-based backend claims. */
  public static final String LIBTORCH = "libtorch";

  private static final Map<String, String> OWNERS = new ConcurrentHashMap<>();

  private NativeLibraryClaims() {}

  /**
   * Records that {@code owner} loads {@code library} into this process.
   *
   * @throws IllegalStateException naming both when another owner holds it, or when a libtorch not
   *     claimed through detkit is already mapped into the process
   */
  public static void claim(String library, String owner) {
    String previous = OWNERS.putIfAbsent(library, owner);
    if (previous != null && !previous.equals(owner)) {
      throw conflict(library, owner, previous);
    }
    if (previous == null && LIBTORCH.equals(library)) {
      String mapped = mappedLibtorch();
      if (mapped != null) {
        OWNERS.remove(library, owner);
        throw conflict(library, owner, "a libtorch not loaded by detkit (" + mapped + ")");
      }
    }
  }

  /** The owner of {@code library} in this process, or null. */
  public static String owner(String library) {
    return OWNERS.get(library);
  }

  private static IllegalStateException conflict(String library, String owner, String previous) {
    return new IllegalStateException(
        "cannot load "
            + owner
            + ": this process already loaded "
            + previous
            + "; a process holds one "
            + library
            + ", so use the other backend in a separate process");
  }

  /** A libtorch_cpu.so already mapped into this process (Linux), or null. */
  private static String mappedLibtorch() {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return null;
    }
    try (var lines = Files.lines(maps)) {
      return lines
          .filter(l -> l.endsWith("/libtorch_cpu.so"))
          .map(l -> l.substring(l.indexOf('/')))
          .findFirst()
          .orElse(null);
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
  }
}
