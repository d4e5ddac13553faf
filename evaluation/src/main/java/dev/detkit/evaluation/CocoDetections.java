package dev.detkit.evaluation;

import java.util.Arrays;

/**
 * Bbox detection results as pycocotools' {@code COCO.loadRes} sees them: each has an image, a
 * category, a box {@code [x, y, w, h]} and a score; its id is its position + 1 and its area is
 * {@code w*h} of the box. Every image and category must exist in the ground truth the results were
 * built against. Immutable; build it with {@link #builder(CocoGroundTruth, String)} or {@link
 * CocoJson#loadResults}.
 */
public final class CocoDetections {
  private final CocoGroundTruth groundTruth;
  final int[] image;
  final int[] category;
  final double[] x;
  final double[] y;
  final double[] w;
  final double[] h;
  final double[] score;

  private CocoDetections(Builder b) {
    groundTruth = b.gt;
    int n = b.count;
    image = Arrays.copyOf(b.image, n);
    category = Arrays.copyOf(b.category, n);
    x = Arrays.copyOf(b.x, n);
    y = Arrays.copyOf(b.y, n);
    w = Arrays.copyOf(b.w, n);
    h = Arrays.copyOf(b.h, n);
    score = Arrays.copyOf(b.score, n);
  }

  /** The ground truth whose images and categories these results refer to. */
  public CocoGroundTruth groundTruth() {
    return groundTruth;
  }

  /** Number of detections. */
  public int size() {
    return score.length;
  }

  /** A builder of results for {@code gt}, read from {@code source} (for error messages). */
  public static Builder builder(CocoGroundTruth gt, String source) {
    return new Builder(gt, source);
  }

  /** A builder with room for {@code expected} detections. */
  static Builder builder(CocoGroundTruth gt, String source, int expected) {
    return new Builder(gt, source, Math.max(16, expected));
  }

  /** Adds detections one at a time, checking each against the ground truth. */
  public static final class Builder {
    private final CocoGroundTruth gt;
    private final String source;
    private int count;
    private int[] image;
    private int[] category;
    private double[] x;
    private double[] y;
    private double[] w;
    private double[] h;
    private double[] score;

    private Builder(CocoGroundTruth gt, String source) {
      this(gt, source, 256);
    }

    private Builder(CocoGroundTruth gt, String source, int capacity) {
      this.gt = gt;
      this.source = source;
      image = new int[capacity];
      category = new int[capacity];
      x = new double[capacity];
      y = new double[capacity];
      w = new double[capacity];
      h = new double[capacity];
      score = new double[capacity];
    }

    /**
     * Adds a detection. The image and category must be in the ground truth; the score must be a
     * finite number {@code >= 0}; the box values must be finite.
     */
    public Builder add(
        long imageId, long categoryId, double x, double y, double w, double h, double score) {
      int img = gt.imageIndex(imageId);
      if (img < 0) {
        throw new CocoFormatException(
            where(imageId, categoryId)
                + ": image_id "
                + imageId
                + " is not an image of the ground truth ("
                + gt.source()
                + "); results must refer to ground-truth images only");
      }
      int cat = gt.categoryIndex(categoryId);
      if (cat < 0) {
        throw new CocoFormatException(
            where(imageId, categoryId)
                + ": category_id "
                + categoryId
                + " is not a category of the ground truth ("
                + gt.source()
                + ")");
      }
      if (Double.isNaN(score)) {
        throw new CocoFormatException(where(imageId, categoryId) + ": score is NaN");
      }
      if (!(score >= 0) || Double.isInfinite(score)) {
        throw new CocoFormatException(
            where(imageId, categoryId) + ": score " + score + " is not a finite number >= 0");
      }
      CocoFormatException.requireFiniteBox(where(imageId, categoryId), x, y, w, h);
      if (count == this.score.length) {
        grow();
      }
      int i = count++;
      this.image[i] = img;
      this.category[i] = cat;
      this.x[i] = x;
      this.y[i] = y;
      this.w[i] = w;
      this.h[i] = h;
      // -0.0 sorts like 0.0 in numpy; store +0.0 so no comparison here can tell them apart
      this.score[i] = score == 0 ? 0.0 : score;
      return this;
    }

    /** Number of detections added so far. */
    public int size() {
      return count;
    }

    private String where(long imageId, long categoryId) {
      return source
          + ": results["
          + count
          + "] (image_id "
          + imageId
          + ", category_id "
          + categoryId
          + ")";
    }

    private void grow() {
      int cap = count * 2;
      image = Arrays.copyOf(image, cap);
      category = Arrays.copyOf(category, cap);
      x = Arrays.copyOf(x, cap);
      y = Arrays.copyOf(y, cap);
      w = Arrays.copyOf(w, cap);
      h = Arrays.copyOf(h, cap);
      score = Arrays.copyOf(score, cap);
    }

    public CocoDetections build() {
      return new CocoDetections(this);
    }
  }
}
