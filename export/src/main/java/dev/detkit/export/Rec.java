package dev.detkit.export;

/**
 * A recording backend's handle: the value computed by the inner backend, and, when it depends on
 * the graph input, the name of the graph value that computes it. Constants (parameters, values
 * derived from parameters alone) have no name: they become initializers when a node reads them. The
 * name changes when an in-place op or {@code assign} writes the handle.
 */
final class Rec {
  Object inner;
  String name;

  Rec(Object inner, String name) {
    this.inner = inner;
    this.name = name;
  }

  boolean traced() {
    return name != null;
  }
}
