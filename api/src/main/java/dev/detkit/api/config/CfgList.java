package dev.detkit.api.config;

import java.util.ArrayList;
import java.util.List;

/** A config list; replaced whole when a child config sets it (never merged element-wise). */
public record CfgList(List<CfgNode> items, Origin origin) implements CfgNode {

  public CfgList {
    items = List.copyOf(items);
  }

  public int size() {
    return items.size();
  }

  public CfgNode get(int i) {
    return items.get(i);
  }

  /** A copy with item {@code i} replaced. */
  public CfgList with(int i, CfgNode v) {
    List<CfgNode> copy = new ArrayList<>(items);
    copy.set(i, v);
    return new CfgList(copy, origin);
  }

  @Override
  public String typeName() {
    return "list";
  }

  @Override
  public Object unwrapped() {
    List<Object> out = new ArrayList<>(items.size());
    for (CfgNode n : items) {
      out.add(n.unwrapped());
    }
    return out;
  }

  @Override
  public CfgList withOrigin(Origin o) {
    return new CfgList(items, o);
  }
}
