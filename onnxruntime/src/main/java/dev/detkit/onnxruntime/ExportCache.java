package dev.detkit.onnxruntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Exported models kept between runs, keyed by what determines the graph: the resolved config, the
 * checkpoint (path, size, modification time), the input shape, the opset and the exporter build
 * ({@code DetectorExporter.buildId()}). The folder is {@code onnx} under the runtime options' cache
 * folder ({@code -Ddetkit.cache}, else {@code DETKIT_CACHE}, else {@code ~/.cache/detkit}).
 */
public final class ExportCache {
  /** Writes the export of a shape to a file. */
  public interface Exporter {
    void export(Path out) throws IOException;
  }

  private final Path dir;

  public ExportCache(Path dir) {
    this.dir = dir;
  }

  /** The cache in {@code onnx} under {@code root} (the runtime options' cache folder). */
  public static ExportCache under(Path root) {
    return new ExportCache(root.resolve("onnx"));
  }

  /** A stable key of the parts (hex SHA-256, 16 characters). */
  public static String key(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(p.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The cached file {@code label-key.onnx}, exported first when absent. */
  public Path get(String label, String key, Exporter exporter) {
    Path f = dir.resolve(label + "-" + key + ".onnx");
    if (Files.isRegularFile(f)) {
      return f;
    }
    try {
      Files.createDirectories(dir);
      exporter.export(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ONNX export cache " + f, e);
    }
    return f;
  }
}
