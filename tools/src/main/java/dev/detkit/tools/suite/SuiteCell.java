package dev.detkit.tools.suite;

import java.nio.file.Path;

/**
 * One cell of a suite: a config on a backend at an input size and compute dtype.
 *
 * @param config the detector config
 * @param backend the backend name
 * @param height input height
 * @param width input width
 * @param dtype the {@code --dtype} the cell asks for ({@code float32}, {@code bf16}, ...)
 */
public record SuiteCell(Path config, String backend, int height, int width, String dtype) {
  /** A float32 cell. */
  public SuiteCell(Path config, String backend, int height, int width) {
    this(config, backend, height, width, "float32");
  }

  /**
   * A file-name-safe identifier, stable across runs (resume finds results by it); float32 cells
   * keep the names they had before suites had a dtype axis.
   */
  public String id() {
    String stem = config.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return stem
        + "__"
        + backend
        + "__"
        + height
        + "x"
        + width
        + (dtype.equals("float32") ? "" : "__" + dtype);
  }
}
