package dev.detkit.data;

/** An image that cannot be read or decoded; the message names the file. */
public final class ImageLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ImageLoadException(String message) {
    super(message);
  }

  public ImageLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
