package dev.detkit.api.config;

/**
 * A node of a loaded config: a map (insertion-ordered), a list or a scalar, each with the {@link
 * Origin} it came from. Nodes are immutable; merging builds new nodes.
 */
public sealed interface CfgNode permits CfgMap, CfgList, CfgScalar {

  /** Where this node was written. */
  Origin origin();

  /** A short name of the node's kind for error messages: map, list, string, int, ... */
  String typeName();

  /** Plain Java value: Map, List, String, Long, Double, Boolean or null. */
  Object unwrapped();

  /** The same node with {@code origin} on it and (for containers) nothing else changed. */
  CfgNode withOrigin(Origin origin);
}
