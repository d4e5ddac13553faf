package dev.detkit.data;

import dev.detkit.api.config.CfgList;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.structures.DetSample;
import java.util.ArrayList;
import java.util.List;

/** A list of registered transforms built from a config's {@code pipeline} list, run in order. */
public final class Pipeline {
  private final List<Transform> steps;

  public Pipeline(List<Transform> steps) {
    this.steps = List.copyOf(steps);
  }

  /** Builds every {@code type} map of {@code pipeline} (at config path {@code path}). */
  public static Pipeline build(CfgNode pipeline, String path, BuildContext ctx) {
    if (!(pipeline instanceof CfgList list)) {
      throw ConfigException.at(
          pipeline == null ? null : pipeline.origin(), path, "expected a list of transforms");
    }
    List<Transform> steps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof CfgMap m)) {
        throw ConfigException.at(list.get(i).origin(), path + "." + i, "expected a transform map");
      }
      steps.add(
          ctx.registry().build(ComponentKind.TRANSFORM, m, path + "." + i, Transform.class, ctx));
    }
    return new Pipeline(steps);
  }

  /** Runs the transforms on one image file and packs the result. */
  public DetSample load(String imagePath, long imgId) {
    return run(new Results(imagePath, imgId));
  }

  /**
   * Runs the transforms on a dataset image with its annotations, random transforms drawing from
   * {@code rng}; null when a transform rejects the draw (mmdet's {@code None}: fetch another).
   */
  public DetSample load(CocoDataset.Item item, java.util.Random rng) {
    Results r = new Results(item.path(), item.imgId());
    r.annotations = item;
    r.rng = rng;
    return run(r);
  }

  /** The packed sample, or null when a transform rejected the image (an empty random crop). */
  private DetSample run(Results r) {
    for (Transform t : steps) {
      r = t.apply(r);
      if (r == null) {
        return null;
      }
    }
    if (r.img == null) {
      throw new IllegalStateException(
          "the pipeline loaded no image (is LoadImageFromFile missing?)");
    }
    return PackDetInputs.pack(r);
  }

  public List<Transform> steps() {
    return steps;
  }
}
