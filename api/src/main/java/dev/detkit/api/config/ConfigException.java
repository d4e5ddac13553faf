package dev.detkit.api.config;

/**
 * A config problem a user can fix: a missing or malformed file, a bad key, type or value. The
 * message is one line that starts with the file and line (when known) and names the key.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code ORIGIN: KEY: message}; the key is a dotted path such as {@code model.backbone.arch}. */
  public static ConfigException at(Origin origin, String key, String message) {
    String where = origin == null ? "" : origin + ": ";
    String what = key == null || key.isEmpty() ? "" : "key '" + key + "': ";
    return new ConfigException(where + what + message);
  }
}
