package dev.detkit.data;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.ArrayList;
import java.util.List;

/**
 * mmcv's {@code RandomResize}: with {@code ratio_range}, the scale is {@code scale * ratio} for a
 * ratio drawn uniformly from the range (each edge truncated to int); with a list of two scales and
 * no range, each edge is drawn between the two scales' edges. Then mmdet's Resize (keep_ratio or
 * not).
 */
@Component(
    kind = ComponentKind.TRANSFORM,
    name = "RandomResize",
    summary = "resize to a randomly scaled or chosen scale (ratio_range)")
public final class RandomResize implements Transform {

  /**
   * mmcv's arguments; {@code scale} is [w, h] or a list of [w, h].
   *
   * @param scale image scale [w, h], or a list of two [w, h] scales to draw each edge between; with
   *     ratio_range, the scale multiplied by the drawn ratio
   * @param ratioRange [min, max] range of the random ratio applied to scale; null draws between the
   *     listed scales
   * @param resizeType the resize transform used after drawing the scale; only Resize (mmcv's
   *     default), detkit refuses others
   * @param keepRatio whether to keep the aspect ratio when resizing (passed to Resize)
   * @param clipObjectBorder whether to clip the objects outside the border of the image (passed to
   *     Resize)
   */
  public record Args(
      List<Object> scale,
      @Default("null") List<Double> ratioRange,
      @Default("Resize") String resizeType,
      @Default("false") boolean keepRatio,
      @Default("true") boolean clipObjectBorder) {
    public Args {
      scales(scale);
      if (!resizeType.equals("Resize")) {
        throw new IllegalArgumentException(
            "resize_type '" + resizeType + "' is not supported (only Resize)");
      }
      if (ratioRange != null && (ratioRange.size() != 2 || ratioRange.get(0) > ratioRange.get(1))) {
        throw new IllegalArgumentException("ratio_range must be [min, max], got " + ratioRange);
      }
    }
  }

  private final Args args;
  private final List<int[]> scales;

  public RandomResize(Args args) {
    OpenCv.load();
    this.args = args;
    this.scales = scales(args.scale());
  }

  private static List<int[]> scales(List<Object> scale) {
    List<int[]> out = new ArrayList<>();
    if (scale.size() == 2 && scale.get(0) instanceof Number w && scale.get(1) instanceof Number h) {
      out.add(new int[] {w.intValue(), h.intValue()});
      return out;
    }
    for (Object s : scale) {
      if (s instanceof List<?> l
          && l.size() == 2
          && l.get(0) instanceof Number w
          && l.get(1) instanceof Number h) {
        out.add(new int[] {w.intValue(), h.intValue()});
      } else {
        throw new IllegalArgumentException(
            "scale must be [w, h] or a list of [w, h], got " + scale);
      }
    }
    return out;
  }

  /** The scale ([w, h]) this draw resizes to. */
  int[] sample(java.util.Random rng) {
    if (args.ratioRange() != null) {
      if (scales.size() != 1) {
        throw new IllegalArgumentException("ratio_range needs a single scale");
      }
      double lo = args.ratioRange().get(0);
      double ratio = rng.nextDouble() * (args.ratioRange().get(1) - lo) + lo;
      return new int[] {(int) (scales.get(0)[0] * ratio), (int) (scales.get(0)[1] * ratio)};
    }
    if (scales.size() == 1) {
      return scales.get(0);
    }
    int[] a = scales.get(0);
    int[] b = scales.get(1);
    return new int[] {
      Math.min(a[0], b[0]) + rng.nextInt(Math.abs(a[0] - b[0]) + 1),
      Math.min(a[1], b[1]) + rng.nextInt(Math.abs(a[1] - b[1]) + 1)
    };
  }

  @Override
  public Results apply(Results r) {
    int[] s = sample(r.rng);
    Resize.resize(r, List.of(s[0], s[1]), args.keepRatio(), args.clipObjectBorder());
    return r;
  }
}
