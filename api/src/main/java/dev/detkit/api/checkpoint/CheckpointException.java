package dev.detkit.api.checkpoint;

/**
 * A checkpoint that cannot be read or loaded; the message names the file and, where known, the key.
 */
public final class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
