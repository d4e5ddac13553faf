package dev.detkit.data;

import org.opencv.core.Mat;

/**
 * The state one image carries through a pipeline, as mmcv's {@code results} dict: the image (OpenCV
 * BGR, HWC) and the keys transforms read and write. Shapes are (h, w).
 */
public final class Results {
  public String imgPath;
  public long imgId;
  public Mat img;
  public int[] oriShape;
  public int[] imgShape;
  public int[] padShape;

  /** (w_scale, h_scale). */
  public double[] scaleFactor = {1.0, 1.0};

  public boolean keepRatio;

  /** Ground-truth boxes {@code [x1, y1, x2, y2]} rows and labels, when annotations are loaded. */
  public float[] gtBboxes;

  public int[] gtLabels;
  public boolean[] gtIgnore;

  /** The dataset's annotations of this image, which LoadAnnotations turns into the gt keys. */
  public CocoDataset.Item annotations;

  /** Horizontal flip applied (mmdet's {@code flip}). */
  public boolean flip;

  /**
   * Randomness for this image's random transforms: seeded per (seed, epoch, index) by the training
   * loader, so runs and resumed runs draw the same augmentations.
   */
  public java.util.Random rng = new java.util.Random(0);

  public Results(String imgPath, long imgId) {
    this.imgPath = imgPath;
    this.imgId = imgId;
  }
}
