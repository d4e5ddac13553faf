package dev.detkit.heads;

/**
 * Priors of a dense head on a feature pyramid (mmdet's prior generators): anchors (boxes) or
 * points, one row of {@link #priorSize()} floats per prior, row-major over the cells of a level (y
 * outer, x inner) with {@link #numBasePriors()} priors per cell, and per-image valid flags from
 * {@code pad_shape}.
 */
public interface PriorGenerator {

  /** Number of pyramid levels the generator has strides for. */
  int numLevels();

  /** Priors per feature-map cell. */
  int numBasePriors();

  /** Floats per prior: 4 for anchors (x1, y1, x2, y2), 2 for points (x, y). */
  int priorSize();

  /** The stride of a level in pixels (width and height strides are equal in detkit's configs). */
  int stride(int level);

  /** Priors of a level with {@code h x w} cells, flattened {@code [(y * w + x) * A + a][size]}. */
  float[] gridPriors(int level, int h, int w);

  /**
   * mmdet's {@code valid_flags}: a cell is valid iff it lies inside {@code ceil(pad / stride)} of
   * the image's own padded shape; one flag per prior.
   */
  boolean[] validFlags(int level, int h, int w, int padH, int padW);

  /** The priors of every level of {@code out}, at each level's map size. */
  default java.util.List<float[]> gridPriors(HeadOutputs out) {
    java.util.List<float[]> p = new java.util.ArrayList<>();
    for (int l = 0; l < out.clsScores().size(); l++) {
      dev.detkit.api.tensor.Tensor c = out.clsScores().get(l);
      p.add(gridPriors(l, c.dim(2), c.dim(3)));
    }
    return p;
  }
}
