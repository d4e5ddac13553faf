package dev.detkit.data;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageData;
import dev.detkit.api.structures.ImageMeta;
import java.util.List;

/** mmdet's {@code PackDetInputs}: the final step, turning results into a {@link DetSample}. */
@Component(
    kind = ComponentKind.TRANSFORM,
    name = "PackDetInputs",
    summary = "pack the image and its meta")
public final class PackDetInputs implements Transform {

  /**
   * mmdet's arguments.
   *
   * @param metaKeys keys of the image meta to pack; detkit always packs its fixed meta (image id,
   *     path, original and resized shape, pad shape, scale factor, flip) and ignores this list
   */
  public record Args(
      @Default(
              "[img_id, img_path, ori_shape, img_shape, pad_shape, scale_factor, flip, flip_direction]")
          List<String> metaKeys) {}

  public PackDetInputs(Args args) {}

  @Override
  public Results apply(Results r) {
    return r;
  }

  /** The packed sample. */
  public static DetSample pack(Results r) {
    ImageData img =
        new ImageData(OpenCv.bytes(r.img), r.img.rows(), r.img.cols(), r.img.channels());
    int[] pad = r.padShape != null ? r.padShape : new int[] {r.img.rows(), r.img.cols()};
    ImageMeta meta =
        new ImageMeta(r.imgPath, r.imgId, r.oriShape, r.imgShape, r.scaleFactor, pad, pad);
    return new DetSample(img, meta, gt(r));
  }

  /** The boxes that train (crowd boxes are mmdet's ignored instances; RetinaNet drops them). */
  static GtInstances gt(Results r) {
    if (r.gtBboxes == null) {
      return null;
    }
    int n = r.gtLabels.length;
    int kept = 0;
    float[] boxes = new float[4 * n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      if (r.gtIgnore == null || !r.gtIgnore[i]) {
        System.arraycopy(r.gtBboxes, 4 * i, boxes, 4 * kept, 4);
        labels[kept++] = r.gtLabels[i];
      }
    }
    return new GtInstances(
        java.util.Arrays.copyOf(boxes, 4 * kept), java.util.Arrays.copyOf(labels, kept));
  }
}
