package dev.detkit.api.distributed;

/** A collective or the rendezvous failed: a peer rank stopped, or the timeout passed. */
public final class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
