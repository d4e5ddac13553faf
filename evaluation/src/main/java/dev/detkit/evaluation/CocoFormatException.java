package dev.detkit.evaluation;

/**
 * A COCO annotation or result file (or in-memory equivalent) that cannot be evaluated: malformed
 * JSON, a missing or mistyped key, a duplicate id, a reference to an unknown image or category, a
 * bad score or box. The message names the file and the offending entry.
 */
public class CocoFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public CocoFormatException(String message) {
    super(message);
  }

  public CocoFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
