package dev.detkit.heads;

import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A dense head's raw outputs: per-level NCHW maps by mmdetection's names ({@code cls_scores},
 * {@code bbox_preds}, {@code centernesses} where the head has them), in the order the head returns
 * them.
 */
public final class HeadOutputs {
  public static final String CLS_SCORES = "cls_scores";
  public static final String BBOX_PREDS = "bbox_preds";
  public static final String CENTERNESSES = "centernesses";

  private final Map<String, List<Tensor>> maps;

  public HeadOutputs(Map<String, List<Tensor>> maps) {
    this.maps = new LinkedHashMap<>(maps);
  }

  /** Class logits and box regression, the two maps every dense head has. */
  public static HeadOutputs of(List<Tensor> clsScores, List<Tensor> bboxPreds) {
    Map<String, List<Tensor>> m = new LinkedHashMap<>();
    m.put(CLS_SCORES, clsScores);
    m.put(BBOX_PREDS, bboxPreds);
    return new HeadOutputs(m);
  }

  /** The maps' names in the head's order. */
  public Set<String> names() {
    return maps.keySet();
  }

  /** One named map per level; an error names the maps there are. */
  public List<Tensor> get(String name) {
    List<Tensor> l = maps.get(name);
    if (l == null) {
      throw new IllegalArgumentException(
          "the head has no output '" + name + "' (has " + names() + ")");
    }
    return l;
  }

  public boolean has(String name) {
    return maps.containsKey(name);
  }

  public List<Tensor> clsScores() {
    return get(CLS_SCORES);
  }

  public List<Tensor> bboxPreds() {
    return get(BBOX_PREDS);
  }

  public int numLevels() {
    return clsScores().size();
  }

  /**
   * Every map converted to {@code dtype} (this object when they already are): a bfloat16 forward
   * pass hands its outputs to decoding and NMS as float32.
   */
  public HeadOutputs toType(DType dtype) {
    boolean same = maps.values().stream().flatMap(List::stream).allMatch(t -> t.dtype() == dtype);
    if (same) {
      return this;
    }
    Map<String, List<Tensor>> m = new LinkedHashMap<>();
    maps.forEach((name, levels) -> m.put(name, levels.stream().map(t -> t.toType(dtype)).toList()));
    return new HeadOutputs(m);
  }

  /** Every map as one flat {@code name.level} view (extract's naming). */
  public Map<String, Tensor> flat() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    maps.forEach(
        (name, levels) -> {
          for (int l = 0; l < levels.size(); l++) {
            out.put(name + "." + l, levels.get(l));
          }
        });
    return out;
  }
}
