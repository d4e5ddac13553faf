package dev.detkit.detectors;

import dev.detkit.api.registry.Default;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * mmdet's {@code BatchFixedSizePad} batch augment: pads a training batch at the bottom/right to a
 * fixed {@code size} (h, w) with {@code img_pad_value}; when it pads, every image's {@code
 * pad_shape} and {@code batch_input_shape} become that size (so all its anchors are valid). A batch
 * already at least that large is left alone.
 */
public final class BatchFixedSizePad {

  /**
   * mmdet's arguments; {@code size} is (h, w).
   *
   * @param size fixed padding size [h, w], in pixels (note: height first, unlike Pad's [w, h])
   * @param imgPadValue the padded pixel value for images
   * @param padMask whether to pad instance masks; detkit has no masks and ignores it
   * @param maskPadValue the padded value of masks; ignored (no masks)
   * @param padSeg whether to pad semantic segmentation maps; detkit has none and ignores it
   * @param segPadValue the padded value of segmentation maps; ignored (no segmentation)
   * @param type the batch augment's name; only BatchFixedSizePad, detkit refuses others
   */
  public record Args(
      List<Integer> size,
      @Default("0") double imgPadValue,
      @Default("false") boolean padMask,
      @Default("0") int maskPadValue,
      @Default("false") boolean padSeg,
      @Default("255") int segPadValue,
      @Default("BatchFixedSizePad") String type) {
    public Args {
      if (size == null || size.size() != 2 || size.get(0) < 1 || size.get(1) < 1) {
        throw new IllegalArgumentException("BatchFixedSizePad.size must be [h, w], got " + size);
      }
      if (!type.equals("BatchFixedSizePad")) {
        throw new IllegalArgumentException(
            "batch augment '" + type + "' is not supported (use BatchFixedSizePad)");
      }
    }
  }

  private final Args args;

  public BatchFixedSizePad(Args args) {
    this.args = args;
  }

  /** The padded batch and its metas. */
  public DetDataPreprocessor.Batch apply(DetDataPreprocessor.Batch batch) {
    Tensor in = batch.inputs();
    int h = in.dim(2);
    int w = in.dim(3);
    int dh = args.size().get(0);
    int dw = args.size().get(1);
    if (h >= dh && w >= dw) {
      return batch;
    }
    Tensor padded =
        in.pad2d(new Padding2d(0, Math.max(0, dh - h), 0, Math.max(0, dw - w)), args.imgPadValue());
    int[] shape = {dh, dw};
    List<ImageMeta> metas = new ArrayList<>();
    for (ImageMeta m : batch.metas()) {
      metas.add(m.withBatchShape(shape, shape));
    }
    return new DetDataPreprocessor.Batch(padded, metas);
  }
}
