package dev.detkit.spark;

import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.ImageMeta;
import java.io.Serializable;

/**
 * An executor's answer for one image: the detections in mmdet's order (boxes in original-image
 * pixels) with the image's shapes, or, for an image that could not be loaded, the error.
 *
 * @param index the image's position in the dataset
 * @param path the image's path
 * @param imgId the COCO image id
 * @param oriShape original height and width (null on error)
 * @param imgShape the shape after the test pipeline's resize (null on error)
 * @param boxes x1, y1, x2, y2 per detection
 * @param scores one per detection
 * @param labels one per detection
 * @param error the one-line error of a failed image, else null
 */
public record ImageDetections(
    int index,
    String path,
    long imgId,
    int[] oriShape,
    int[] imgShape,
    float[] boxes,
    float[] scores,
    int[] labels,
    String error)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  static ImageDetections of(ImageTask t, ImageMeta meta, Detections d) {
    return new ImageDetections(
        t.index(),
        t.path(),
        t.imgId(),
        meta.oriShape(),
        meta.imgShape(),
        d.boxes(),
        d.scores(),
        d.labels(),
        null);
  }

  static ImageDetections failed(ImageTask t, String error) {
    return new ImageDetections(
        t.index(), t.path(), t.imgId(), null, null, new float[0], new float[0], new int[0], error);
  }

  /** The detections (empty for a failed image). */
  public Detections detections() {
    return new Detections(boxes, scores, labels);
  }

  public boolean failed() {
    return error != null;
  }
}
