package dev.detkit.api.config;

/** A scalar config value: String, Long, Double, Boolean or null. */
public record CfgScalar(Object value, Origin origin) implements CfgNode {

  public CfgScalar {
    if (value instanceof Integer i) {
      value = i.longValue();
    } else if (value instanceof Float f) {
      value = f.doubleValue();
    }
    if (value != null
        && !(value instanceof String
            || value instanceof Long
            || value instanceof Double
            || value instanceof Boolean)) {
      throw new IllegalArgumentException("not a config scalar: " + value.getClass());
    }
  }

  public boolean isNull() {
    return value == null;
  }

  @Override
  public String typeName() {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Long) {
      return "int";
    }
    if (value instanceof Double) {
      return "float";
    }
    return "bool";
  }

  @Override
  public Object unwrapped() {
    return value;
  }

  @Override
  public CfgScalar withOrigin(Origin o) {
    return new CfgScalar(value, o);
  }

  @Override
  public String toString() {
    return String.valueOf(value);
  }
}
