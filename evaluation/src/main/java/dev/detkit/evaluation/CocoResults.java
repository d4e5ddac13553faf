package dev.detkit.evaluation;

import dev.detkit.api.structures.Detections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** mmdet's {@code results2json} for boxes: detections as COCO result records. */
public final class CocoResults {
  private CocoResults() {}

  /**
   * Appends one image's detections: bbox as {@code [x1, y1, x2 - x1, y2 - y1]} in float64 of the
   * float32 values, label mapped to its COCO category id.
   *
   * @throws IllegalArgumentException when a label has no category
   */
  public static void add(
      List<Map<String, Object>> out, long imgId, Detections d, List<Long> catIds) {
    float[] bx = d.boxes();
    for (int i = 0; i < d.size(); i++) {
      double x1 = bx[4 * i];
      double y1 = bx[4 * i + 1];
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("image_id", imgId);
      r.put(
          "bbox", new double[] {x1, y1, (double) bx[4 * i + 2] - x1, (double) bx[4 * i + 3] - y1});
      r.put("score", (double) d.scores()[i]);
      int label = d.labels()[i];
      if (label >= catIds.size()) {
        throw new IllegalArgumentException(
            "the model predicts label "
                + label
                + " but the dataset maps only "
                + catIds.size()
                + " categories (set the dataset's metainfo.classes or the head's num_classes)");
      }
      r.put("category_id", catIds.get(label));
      out.add(r);
    }
  }
}
