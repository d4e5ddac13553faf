package dev.detkit.data;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.List;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * mmdet's {@code Resize}: with {@code keep_ratio}, mmcv's {@code imrescale} (scale factor {@code
 * min(max(scale) / max(h, w), min(scale) / min(h, w))}, new size {@code int(w * sf + 0.5)}),
 * otherwise straight to {@code scale = (w, h)}; bilinear is OpenCV's INTER_LINEAR. Ground-truth
 * boxes are scaled and clipped.
 */
@Component(
    kind = ComponentKind.TRANSFORM,
    name = "Resize",
    summary = "resize to a scale, keeping the ratio or not (mmcv rounding, bilinear)")
public final class Resize implements Transform {

  /**
   * mmdet's arguments.
   *
   * @param scale target size [w, h], in pixels; required (with keep_ratio, the image is rescaled to
   *     fit inside the longer and shorter edge of the scale)
   * @param scaleFactor scale factor(s) instead of a target size; only null, detkit refuses it (give
   *     scale)
   * @param keepRatio whether to keep the aspect ratio when resizing
   * @param clipObjectBorder whether to clip the objects (boxes) outside the image border
   * @param backend image resize backend, cv2 or pillow in mmdet; detkit always resizes as OpenCV's
   *     INTER_LINEAR does and ignores this value
   * @param interpolation interpolation method; only bilinear, detkit refuses other values
   */
  public record Args(
      @Default("null") List<Integer> scale,
      @Default("null") Object scaleFactor,
      @Default("false") boolean keepRatio,
      @Default("true") boolean clipObjectBorder,
      @Default("cv2") String backend,
      @Default("bilinear") String interpolation) {
    public Args {
      if (scale == null || scale.size() != 2) {
        throw new IllegalArgumentException("scale must be [w, h] (scale_factor is not supported)");
      }
      if (scale.get(0) < 1 || scale.get(1) < 1) {
        throw new IllegalArgumentException("scale must be positive, got " + scale);
      }
      if (scaleFactor != null) {
        throw new IllegalArgumentException("scale_factor is not supported; give scale");
      }
      if (!interpolation.equals("bilinear")) {
        throw new IllegalArgumentException(
            "interpolation '" + interpolation + "' is not supported (use bilinear)");
      }
    }
  }

  private final Args args;

  public Resize(Args args) {
    OpenCv.load();
    this.args = args;
  }

  /** The output (w, h) mmcv computes for an image of {@code w x h}. */
  public static int[] outputSize(int w, int h, List<Integer> scale, boolean keepRatio) {
    if (!keepRatio) {
      return new int[] {scale.get(0), scale.get(1)};
    }
    double longEdge = Math.max(scale.get(0), scale.get(1));
    double shortEdge = Math.min(scale.get(0), scale.get(1));
    double sf = Math.min(longEdge / Math.max(h, w), shortEdge / Math.min(h, w));
    return new int[] {(int) (w * sf + 0.5), (int) (h * sf + 0.5)};
  }

  @Override
  public Results apply(Results r) {
    resize(r, args.scale(), args.keepRatio(), args.clipObjectBorder());
    return r;
  }

  /** Resizes the image to {@code scale} ([w, h]) and scales (and optionally clips) its boxes. */
  static void resize(Results r, List<Integer> scale, boolean keepRatio, boolean clipBorder) {
    int h = r.img.rows();
    int w = r.img.cols();
    int[] size = outputSize(w, h, scale, keepRatio);
    Mat out = new Mat();
    Imgproc.resize(r.img, out, new Size(size[0], size[1]), 0, 0, Imgproc.INTER_LINEAR);
    double ws = (double) size[0] / w;
    double hs = (double) size[1] / h;
    r.img = out;
    r.imgShape = new int[] {size[1], size[0]};
    r.scaleFactor = new double[] {ws, hs};
    r.keepRatio = keepRatio;
    if (r.gtBboxes != null) {
      for (int i = 0; i < r.gtBboxes.length; i += 4) {
        r.gtBboxes[i] = clip((float) (r.gtBboxes[i] * ws), size[0], clipBorder);
        r.gtBboxes[i + 1] = clip((float) (r.gtBboxes[i + 1] * hs), size[1], clipBorder);
        r.gtBboxes[i + 2] = clip((float) (r.gtBboxes[i + 2] * ws), size[0], clipBorder);
        r.gtBboxes[i + 3] = clip((float) (r.gtBboxes[i + 3] * hs), size[1], clipBorder);
      }
    }
  }

  private static float clip(float v, int max, boolean clip) {
    return clip ? Math.max(0f, Math.min(v, max)) : v;
  }
}
