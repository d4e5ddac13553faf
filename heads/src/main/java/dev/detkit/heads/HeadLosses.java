package dev.detkit.heads;

import dev.detkit.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dense head's losses by mmdetection's log keys ({@code loss_cls}, {@code loss_bbox}, ...), each
 * a list with one 0-dim tensor per level where the head computes per level (RetinaNet, ATSS, GFL)
 * or a single entry (FCOS). mmengine's {@code parse_losses} logs each list's sum.
 */
public final class HeadLosses {
  private final Map<String, List<Tensor>> terms;

  public HeadLosses(Map<String, List<Tensor>> terms) {
    this.terms = new LinkedHashMap<>(terms);
  }

  /** The per-level values of one term. */
  public List<Tensor> get(String key) {
    List<Tensor> l = terms.get(key);
    if (l == null) {
      throw new IllegalArgumentException("no loss '" + key + "' (has " + terms.keySet() + ")");
    }
    return l;
  }

  /** Each term summed over levels, by log key. */
  public Map<String, Tensor> summed() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    terms.forEach((k, v) -> out.put(k, sum(v)));
    return out;
  }

  /** The sum of every term: what is back-propagated. */
  public Tensor total() {
    Tensor t = null;
    for (Tensor v : summed().values()) {
      t = t == null ? v : t.add(v);
    }
    return t;
  }

  /** The sum of a list of scalars, in order. */
  public static Tensor sum(List<Tensor> levels) {
    Tensor t = levels.get(0);
    for (int i = 1; i < levels.size(); i++) {
      t = t.add(levels.get(i));
    }
    return t;
  }
}
