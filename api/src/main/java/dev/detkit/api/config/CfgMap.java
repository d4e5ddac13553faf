package dev.detkit.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A config map with keys in the order they were written. */
public final class CfgMap implements CfgNode {
  private final Map<String, CfgNode> entries;
  private final Origin origin;

  public CfgMap(Map<String, CfgNode> entries, Origin origin) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    this.origin = origin;
  }

  /** An empty map. */
  public static CfgMap empty(Origin origin) {
    return new CfgMap(Map.of(), origin);
  }

  public Map<String, CfgNode> entries() {
    return entries;
  }

  public CfgNode get(String key) {
    return entries.get(key);
  }

  public boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The string value of {@code key}, if it is a string scalar. */
  public Optional<String> string(String key) {
    return entries.get(key) instanceof CfgScalar s && s.value() instanceof String v
        ? Optional.of(v)
        : Optional.empty();
  }

  /** A copy with {@code key} set (appended if new, in place if present). */
  public CfgMap with(String key, CfgNode value) {
    Map<String, CfgNode> copy = new LinkedHashMap<>(entries);
    copy.put(key, value);
    return new CfgMap(copy, origin);
  }

  /** A copy without {@code key}. */
  public CfgMap without(String key) {
    Map<String, CfgNode> copy = new LinkedHashMap<>(entries);
    copy.remove(key);
    return new CfgMap(copy, origin);
  }

  @Override
  public Origin origin() {
    return origin;
  }

  @Override
  public String typeName() {
    return "map";
  }

  @Override
  public Object unwrapped() {
    Map<String, Object> out = new LinkedHashMap<>();
    entries.forEach((k, v) -> out.put(k, v.unwrapped()));
    return out;
  }

  @Override
  public CfgMap withOrigin(Origin o) {
    return new CfgMap(entries, o);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CfgMap m && entries.equals(m.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
