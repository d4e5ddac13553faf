package dev.detkit.detectors;

import dev.detkit.api.registry.Default;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.ImageData;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * mmdet 3.x's {@code DetDataPreprocessor} at test time: BGR to RGB, float32 {@code (x - mean) /
 * std}, and zero padding at the bottom/right to the batch's largest size rounded up to {@code
 * pad_size_divisor}. Batch augments (BatchFixedSizePad) run only in training ({@link
 * #applyForTraining}).
 */
public final class DetDataPreprocessor {

  /**
   * mmdet's arguments (the mask/segmentation ones are accepted for config compatibility).
   *
   * @param mean the pixel mean of the three channels (after any channel swap), subtracted; null
   *     (with std) leaves the values as they are
   * @param std the pixel standard deviation of the three channels, divided by; finite and non-zero,
   *     given together with mean
   * @param padSizeDivisor the size of the padded batch is a multiple of this, in pixels; at least 1
   * @param padValue the padded pixel value
   * @param bgrToRgb whether to convert the image from BGR to RGB (3-channel images only)
   * @param rgbToBgr whether to convert the image from RGB to BGR (the same swap; not both with
   *     bgr_to_rgb)
   * @param padMask whether to pad instance masks; detkit has no masks and ignores it
   * @param maskPadValue the padded value of masks; ignored (no masks)
   * @param padSeg whether to pad semantic segmentation maps; detkit has none and ignores it
   * @param segPadValue the padded value of segmentation maps; ignored (no segmentation)
   * @param boxtype2tensor whether to turn box-type objects into tensors; detkit's boxes are always
   *     plain, so it is ignored
   * @param nonBlocking whether to copy to the device asynchronously; detkit ignores it (no effect
   *     on results)
   * @param batchAugments batch-level augmentations applied in training only; only BatchFixedSizePad
   * @param type the preprocessor's name; only DetDataPreprocessor, detkit refuses others
   */
  public record Args(
      @Default("null") List<Double> mean,
      @Default("null") List<Double> std,
      @Default("1") int padSizeDivisor,
      @Default("0") double padValue,
      @Default("false") boolean bgrToRgb,
      @Default("false") boolean rgbToBgr,
      @Default("false") boolean padMask,
      @Default("0") int maskPadValue,
      @Default("false") boolean padSeg,
      @Default("255") int segPadValue,
      @Default("true") boolean boxtype2tensor,
      @Default("false") boolean nonBlocking,
      @Default("null") List<BatchFixedSizePad.Args> batchAugments,
      @Default("DetDataPreprocessor") String type) {
    public Args {
      if ((mean == null) != (std == null)) {
        throw new IllegalArgumentException("mean and std must be given together");
      }
      if (mean != null && (mean.size() != 3 || std.size() != 3)) {
        throw new IllegalArgumentException("mean and std need 3 values each");
      }
      if (std != null && std.stream().anyMatch(v -> !(Math.abs(v) > 0) || !Double.isFinite(v))) {
        throw new IllegalArgumentException("std must be finite and non-zero, got " + std);
      }
      if (bgrToRgb && rgbToBgr) {
        throw new IllegalArgumentException("bgr_to_rgb and rgb_to_bgr cannot both be true");
      }
      if (padSizeDivisor < 1) {
        throw new IllegalArgumentException("pad_size_divisor must be >= 1");
      }
      if (!type.equals("DetDataPreprocessor")) {
        throw new IllegalArgumentException(
            "data_preprocessor.type '" + type + "' is not supported");
      }
    }
  }

  /** The network input and the metas with their batch shapes filled in. */
  public record Batch(Tensor inputs, List<ImageMeta> metas) {}

  private final Args args;
  private final List<BatchFixedSizePad> batchAugments;

  public DetDataPreprocessor(Args args) {
    this.args = args;
    this.batchAugments =
        args.batchAugments() == null
            ? List.of()
            : args.batchAugments().stream().map(BatchFixedSizePad::new).toList();
  }

  /** {@link #apply} followed by the batch augments, as mmdet does when {@code training=True}. */
  public Batch applyForTraining(List<DetSample> samples, Backend b) {
    Batch batch = apply(samples, b);
    for (BatchFixedSizePad aug : batchAugments) {
      batch = aug.apply(batch);
    }
    return batch;
  }

  public Args args() {
    return args;
  }

  /** Normalises and pads a batch of HWC uint8 images into one NCHW float32 tensor. */
  public Batch apply(List<DetSample> samples, Backend b) {
    int maxH = 0;
    int maxW = 0;
    for (DetSample s : samples) {
      maxH = Math.max(maxH, s.image().height());
      maxW = Math.max(maxW, s.image().width());
    }
    int d = args.padSizeDivisor();
    int padH = (maxH + d - 1) / d * d;
    int padW = (maxW + d - 1) / d * d;
    int c = samples.get(0).image().channels();
    float[] out = new float[samples.size() * c * padH * padW];
    float pad = (float) args.padValue();
    java.util.Arrays.fill(out, pad);
    float[] mean = new float[c];
    float[] std = new float[c];
    for (int ch = 0; ch < c; ch++) {
      mean[ch] = args.mean() == null ? 0f : args.mean().get(ch).floatValue();
      std[ch] = args.std() == null ? 1f : args.std().get(ch).floatValue();
    }
    boolean swap = (args.bgrToRgb() || args.rgbToBgr()) && c == 3;
    List<ImageMeta> metas = new ArrayList<>();
    for (int n = 0; n < samples.size(); n++) {
      ImageData img = samples.get(n).image();
      if (img.channels() != c) {
        throw new IllegalArgumentException(
            "images in one batch must have the same number of channels");
      }
      byte[] px = img.pixels();
      int h = img.height();
      int w = img.width();
      for (int ch = 0; ch < c; ch++) {
        int src = swap ? c - 1 - ch : ch;
        int base = (n * c + ch) * padH * padW;
        boolean norm = args.mean() != null;
        for (int y = 0; y < h; y++) {
          int row = base + y * padW;
          int in = (y * w) * c + src;
          for (int x = 0; x < w; x++, in += c) {
            float v = px[in] & 0xff;
            out[row + x] = norm ? (v - mean[ch]) / std[ch] : v;
          }
        }
      }
      // pad_shape is each image's own size rounded up; batch_input_shape is the padded batch.
      int[] own = {(h + d - 1) / d * d, (w + d - 1) / d * d};
      metas.add(samples.get(n).meta().withBatchShape(own, new int[] {padH, padW}));
    }
    return new Batch(b.fromFloats(out, samples.size(), c, padH, padW), metas);
  }
}
