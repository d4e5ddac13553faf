package dev.detkit.api.config;

/**
 * Where a config value came from: a file and line, or a pseudo-source such as {@code --cfg-options}
 * or a component's declared default.
 */
public record Origin(String source, int line) {

  /** Values given on the command line. */
  public static final Origin CLI = new Origin("--cfg-options", 0);

  /** A value with no better origin (built in code). */
  public static final Origin CODE = new Origin("<code>", 0);

  @Override
  public String toString() {
    return line > 0 ? source + ":" + line : source;
  }
}
