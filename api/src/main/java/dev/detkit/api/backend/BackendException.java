package dev.detkit.api.backend;

/** A backend could not be chosen or loaded. The message is one line naming the backend. */
public final class BackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
