package dev.detkit.api.model;

/**
 * An input a model cannot take because of its size (a BiFPN level that does not halve evenly): the
 * user's input, not a bug, so the command line reports it as a usage error naming the sizes.
 */
public final class InputShapeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputShapeException(String message) {
    super(message);
  }
}
