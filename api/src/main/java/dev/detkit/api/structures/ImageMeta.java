package dev.detkit.api.structures;

/**
 * Per-image facts mmdetection carries in {@code metainfo}. Shapes are (h, w); {@code scaleFactor}
 * is (w_scale, h_scale) as mmdet stores it.
 */
public record ImageMeta(
    String path,
    long imgId,
    int[] oriShape,
    int[] imgShape,
    double[] scaleFactor,
    int[] padShape,
    int[] batchInputShape) {

  /** The same meta with the shapes the batch was padded to. */
  public ImageMeta withBatchShape(int[] pad, int[] batch) {
    return new ImageMeta(path, imgId, oriShape, imgShape, scaleFactor, pad, batch);
  }
}
