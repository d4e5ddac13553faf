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

  /** Throws unless every coordinate of an {@code [x, y, w, h]} box is finite. */
  static void requireFiniteBox(String where, double x, double y, double w, double h) {
    if (!(Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(w) && Double.isFinite(h))) {
      throw new CocoFormatException(
          where + ": bbox [" + x + ", " + y + ", " + w + ", " + h + "] has a non-finite value");
    }
  }
}
