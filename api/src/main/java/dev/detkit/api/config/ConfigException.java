package dev.detkit.api.config;

/**
 * A config problem a user can fix: a missing or malformed file, a bad key, type or value. The
 * message is one line that starts with the file and line (when known) and names the key.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Where the problem is (file and line), or null. */
  private final transient Origin origin;

  /** The dotted config key, or null. */
  private final String key;

  public ConfigException(String message) {
    this(message, null, null, null);
  }

  public ConfigException(String message, Throwable cause) {
    this(message, cause, null, null);
  }

  private ConfigException(String message, Throwable cause, Origin origin, String key) {
    super(message);
    // Left unset without a cause, so that builders can still initCause the underlying error.
    if (cause != null) {
      initCause(cause);
    }
    this.origin = origin;
    this.key = key;
  }

  /** {@code ORIGIN: KEY: message}; the key is a dotted path such as {@code model.backbone.arch}. */
  public static ConfigException at(Origin origin, String key, String message) {
    String where = origin == null ? "" : origin + ": ";
    String what = key == null || key.isEmpty() ? "" : "key '" + key + "': ";
    return new ConfigException(where + what + message, null, origin, key);
  }

  /** The file and line the problem is at, or null when unknown. */
  public Origin origin() {
    return origin;
  }

  /** The dotted config key the problem concerns, or null. */
  public String key() {
    return key;
  }
}
