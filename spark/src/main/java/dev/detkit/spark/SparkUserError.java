package dev.detkit.spark;

/** A usage, input or cluster error: one line for the user, exit code 2. */
final class SparkUserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SparkUserError(String message) {
    super(message);
  }
}
