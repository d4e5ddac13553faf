package dev.detkit.data;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.List;
import org.opencv.core.Rect;

/**
 * mmdet 3.x's {@code RandomCrop} (absolute crop size [w, h]): a window at a uniformly drawn offset
 * within the margin; boxes are shifted, clipped and kept when still inside the crop ({@code
 * is_inside}). A crop that keeps no box returns null, and the loader draws another image (mmdet's
 * refetch), unless {@code allow_negative_crop}.
 */
@Component(
    kind = ComponentKind.TRANSFORM,
    name = "RandomCrop",
    summary = "crop a random window; boxes outside are dropped, empty crops retried")
public final class RandomCrop implements Transform {

  /**
   * mmdet's arguments.
   *
   * @param cropSize the absolute crop size [w, h], in pixels (cropped to the image when larger)
   * @param cropType how crop_size is read; only absolute, detkit refuses relative_range, relative
   *     and absolute_range
   * @param allowNegativeCrop whether to allow a crop that contains no gt box (otherwise the image
   *     is dropped and another one drawn, up to max_refetch times)
   * @param recomputeBbox whether to recompute boxes from the cropped masks; mmdet does so only when
   *     the results hold gt_masks, which detkit's pipelines never load, so it changes nothing
   * @param bboxClipBorder whether to clip the objects outside the border of the image
   */
  public record Args(
      List<Integer> cropSize,
      @Default("absolute") String cropType,
      @Default("false") boolean allowNegativeCrop,
      @Default("false") boolean recomputeBbox,
      @Default("true") boolean bboxClipBorder) {
    public Args {
      if (cropSize == null || cropSize.size() != 2 || cropSize.get(0) < 1 || cropSize.get(1) < 1) {
        throw new IllegalArgumentException("crop_size must be [w, h], got " + cropSize);
      }
      if (!cropType.equals("absolute")) {
        throw new IllegalArgumentException(
            "crop_type '" + cropType + "' is not supported (use absolute)");
      }
    }
  }

  private final Args args;

  public RandomCrop(Args args) {
    OpenCv.load();
    this.args = args;
  }

  @Override
  public Results apply(Results r) {
    int h = r.img.rows();
    int w = r.img.cols();
    int ch = Math.min(args.cropSize().get(1), h);
    int cw = Math.min(args.cropSize().get(0), w);
    int offH = r.rng.nextInt(Math.max(h - ch, 0) + 1);
    int offW = r.rng.nextInt(Math.max(w - cw, 0) + 1);
    if (r.gtBboxes != null) {
      int n = r.gtLabels.length;
      float[] boxes = new float[4 * n];
      int[] labels = new int[n];
      boolean[] ignore = new boolean[n];
      int kept = 0;
      for (int i = 0; i < n; i++) {
        float x1 = r.gtBboxes[4 * i] - offW;
        float y1 = r.gtBboxes[4 * i + 1] - offH;
        float x2 = r.gtBboxes[4 * i + 2] - offW;
        float y2 = r.gtBboxes[4 * i + 3] - offH;
        if (args.bboxClipBorder()) {
          x1 = Math.max(0, Math.min(x1, cw));
          x2 = Math.max(0, Math.min(x2, cw));
          y1 = Math.max(0, Math.min(y1, ch));
          y2 = Math.max(0, Math.min(y2, ch));
        }
        if (x1 < cw && y1 < ch && x2 > 0 && y2 > 0) {
          boxes[4 * kept] = x1;
          boxes[4 * kept + 1] = y1;
          boxes[4 * kept + 2] = x2;
          boxes[4 * kept + 3] = y2;
          labels[kept] = r.gtLabels[i];
          ignore[kept++] = r.gtIgnore != null && r.gtIgnore[i];
        }
      }
      if (kept == 0 && !args.allowNegativeCrop()) {
        return null;
      }
      r.gtBboxes = java.util.Arrays.copyOf(boxes, 4 * kept);
      r.gtLabels = java.util.Arrays.copyOf(labels, kept);
      r.gtIgnore = java.util.Arrays.copyOf(ignore, kept);
    }
    r.img = r.img.submat(new Rect(offW, offH, cw, ch)).clone();
    r.imgShape = new int[] {ch, cw};
    return r;
  }
}
