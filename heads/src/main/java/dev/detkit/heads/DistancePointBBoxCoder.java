package dev.detkit.heads;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code DistancePointBBoxCoder}: a box is the distances (left, top, right, bottom) from a
 * point ({@code [N, 2]}) to its sides; decoding clips to the image when {@code clip_border}.
 */
@Component(
    kind = ComponentKind.BBOX_CODER,
    name = "DistancePointBBoxCoder",
    summary = "distances (l, t, r, b) from a point to the box sides, clipped to the image")
public final class DistancePointBBoxCoder implements BBoxCoder {

  /**
   * mmdet's arguments.
   *
   * @param clipBorder whether to clip decoded boxes to the image
   * @param useBoxType return boxes as mmdet box-type objects; only false, detkit refuses true
   */
  public record Args(@Default("true") boolean clipBorder, @Default("false") boolean useBoxType) {
    public Args {
      if (useBoxType) {
        throw new IllegalArgumentException("use_box_type=true is not supported");
      }
    }
  }

  private final Args args;

  public DistancePointBBoxCoder(Args args) {
    this.args = args;
  }

  @Override
  public Tensor encode(Tensor points, Tensor gts) {
    return encode(points, gts, Double.NaN, 0.1);
  }

  /**
   * {@code bbox2distance}: distances clamped to {@code [0, maxDis - eps]} when {@code maxDis} is a
   * number (GFL's DFL targets), unclamped when it is NaN.
   */
  public Tensor encode(Tensor points, Tensor gts, double maxDis, double eps) {
    Backend b = points.backend();
    Tensor p = points.slice(1, 0, 2);
    Tensor lt = p.sub(gts.slice(1, 0, 2));
    Tensor rb = gts.slice(1, 2, 4).sub(p);
    Tensor d = b.concat(1, lt, rb);
    return Double.isNaN(maxDis) ? d : d.clamp(0, maxDis - eps);
  }

  @Override
  public Tensor decode(Tensor points, Tensor distances, int[] maxShape) {
    Backend b = points.backend();
    if (points.dim(0) == 0) {
      return distances.copy();
    }
    Tensor p = points.slice(1, 0, 2);
    Tensor boxes = b.concat(1, p.sub(distances.slice(1, 0, 2)), p.add(distances.slice(1, 2, 4)));
    if (args.clipBorder() && maxShape != null) {
      Tensor xs = boxes.indexSelect(1, b.fromLongs(new long[] {0, 2}, 2)).clamp(0, maxShape[1]);
      Tensor ys = boxes.indexSelect(1, b.fromLongs(new long[] {1, 3}, 2)).clamp(0, maxShape[0]);
      boxes = b.stack(2, xs, ys).reshape(-1, 4);
    }
    return boxes;
  }
}
