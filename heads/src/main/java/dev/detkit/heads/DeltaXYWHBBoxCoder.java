package dev.detkit.heads;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.List;

/**
 * mmdet's {@code DeltaXYWHBBoxCoder} ({@code bbox2delta} / {@code delta2bbox}) written with tensor
 * ops in PyTorch's operation order, so the same kernels give the same float32 results.
 */
@Component(
    kind = ComponentKind.BBOX_CODER,
    name = "DeltaXYWHBBoxCoder",
    summary = "(dx, dy, dw, dh) deltas with wh-ratio clamp and border clip")
public final class DeltaXYWHBBoxCoder implements BBoxCoder {
  /** {@code |log(16/1000)|}; applied to float32 data it acts as float32 4.1351666. */
  static final double MAX_RATIO = Math.abs(Math.log(16.0 / 1000));

  /**
   * mmdet's arguments.
   *
   * @param targetMeans denormalising means of the four deltas (dx, dy, dw, dh)
   * @param targetStds denormalising standard deviations of the four deltas (dx, dy, dw, dh)
   * @param clipBorder whether to clip decoded boxes to the image
   * @param addCtrClamp whether to clamp the decoded centre shift to +/- ctr_clamp pixels (and dw,
   *     dh from above only)
   * @param ctrClamp the maximum centre shift in pixels when add_ctr_clamp
   * @param useBoxType return boxes as mmdet box-type objects; detkit has plain boxes only and
   *     ignores this value
   */
  public record Args(
      @Default("[0.0, 0.0, 0.0, 0.0]") List<Double> targetMeans,
      @Default("[1.0, 1.0, 1.0, 1.0]") List<Double> targetStds,
      @Default("true") boolean clipBorder,
      @Default("false") boolean addCtrClamp,
      @Default("32") double ctrClamp,
      @Default("false") boolean useBoxType) {
    public Args {
      if (targetMeans.size() != 4 || targetStds.size() != 4) {
        throw new IllegalArgumentException("target_means and target_stds need 4 values each");
      }
    }
  }

  private final Args args;

  public DeltaXYWHBBoxCoder(Args args) {
    this.args = args;
  }

  public Args args() {
    return args;
  }

  private Tensor row(Backend b, List<Double> v) {
    float[] f = new float[4];
    for (int i = 0; i < 4; i++) {
      f[i] = v.get(i).floatValue();
    }
    return b.fromFloats(f, 1, 4);
  }

  /** Regression targets of {@code gts} relative to {@code proposals}, both {@code [N, 4]}. */
  @Override
  public Tensor encode(Tensor proposals, Tensor gts) {
    Backend b = proposals.backend();
    Tensor pxy = proposals.slice(1, 0, 2).add(proposals.slice(1, 2, 4)).mul(0.5);
    Tensor pwh = proposals.slice(1, 2, 4).sub(proposals.slice(1, 0, 2));
    Tensor gxy = gts.slice(1, 0, 2).add(gts.slice(1, 2, 4)).mul(0.5);
    Tensor gwh = gts.slice(1, 2, 4).sub(gts.slice(1, 0, 2));
    Tensor dxy = gxy.sub(pxy).div(pwh);
    Tensor dwh = gwh.div(pwh).log();
    Tensor deltas = b.concat(1, dxy, dwh);
    return deltas.sub(row(b, args.targetMeans())).div(row(b, args.targetStds()));
  }

  /**
   * Boxes from deltas ({@code [N, 4]} each); {@code maxShape} (h, w) clips them when given and
   * clip_border is on.
   */
  @Override
  public Tensor decode(Tensor rois, Tensor deltas, int[] maxShape) {
    Backend b = rois.backend();
    if (rois.dim(0) == 0) {
      return deltas.copy();
    }
    Tensor d = deltas.mul(row(b, args.targetStds())).add(row(b, args.targetMeans()));
    Tensor dxy = d.slice(1, 0, 2);
    Tensor dwh = d.slice(1, 2, 4);
    Tensor pxy = rois.slice(1, 0, 2).add(rois.slice(1, 2, 4)).mul(0.5);
    Tensor pwh = rois.slice(1, 2, 4).sub(rois.slice(1, 0, 2));
    Tensor dxyWh = pwh.mul(dxy);
    if (args.addCtrClamp()) {
      dxyWh = dxyWh.clamp(-args.ctrClamp(), args.ctrClamp());
      dwh = dwh.clamp(Double.NEGATIVE_INFINITY, MAX_RATIO);
    } else {
      dwh = dwh.clamp(-MAX_RATIO, MAX_RATIO);
    }
    Tensor gxy = pxy.add(dxyWh);
    Tensor gwh = pwh.mul(dwh.exp());
    Tensor half = gwh.mul(0.5);
    Tensor boxes = b.concat(1, gxy.sub(half), gxy.add(half));
    if (args.clipBorder() && maxShape != null) {
      Tensor xs = boxes.indexSelect(1, b.fromLongs(new long[] {0, 2}, 2)).clamp(0, maxShape[1]);
      Tensor ys = boxes.indexSelect(1, b.fromLongs(new long[] {1, 3}, 2)).clamp(0, maxShape[0]);
      boxes = b.stack(2, xs, ys).reshape(-1, 4);
    }
    return boxes;
  }
}
