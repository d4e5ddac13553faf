package dev.detkit.tools.suite;

import java.nio.file.Path;

/**
 * One cell of a suite: a config on a backend at an input size.
 *
 * @param config the detector config
 * @param backend the backend name
 * @param height input height
 * @param width input width
 */
public record SuiteCell(Path config, String backend, int height, int width) {
  /** A file-name-safe identifier, stable across runs (resume finds results by it). */
  public String id() {
    String stem = config.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return stem + "__" + backend + "__" + height + "x" + width;
  }
}
