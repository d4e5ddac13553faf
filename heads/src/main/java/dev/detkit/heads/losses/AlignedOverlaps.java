package dev.detkit.heads.losses;

import dev.detkit.api.tensor.Tensor;

/**
 * mmdet's {@code bbox_overlaps(..., is_aligned=True)} on tensors (differentiable): areas without
 * +1, {@code union = max(a1 + a2 - inter, eps)}; GIoU with {@code enclose = max(w * h, eps)}. The
 * {@code clamp(min=0)} of widths and heights is a ReLU: mmdet's gradients (fixture
 * dense_heads/fcos) pass nothing at exactly 0, which a zero-width FCOS prediction (l = r = 0 after
 * the ReLU) hits.
 */
public final class AlignedOverlaps {
  private AlignedOverlaps() {}

  private static Tensor col(Tensor boxes, int i) {
    return boxes.slice(1, i, i + 1).reshape(-1);
  }

  public static Tensor iou(Tensor a, Tensor b, double eps) {
    return parts(a, b, eps)[0];
  }

  public static Tensor giou(Tensor a, Tensor b, double eps) {
    Tensor[] p = parts(a, b, eps);
    Tensor iou = p[0];
    Tensor union = p[1];
    Tensor ew = col(a, 2).maximum(col(b, 2)).sub(col(a, 0).minimum(col(b, 0))).relu();
    Tensor eh = col(a, 3).maximum(col(b, 3)).sub(col(a, 1).minimum(col(b, 1))).relu();
    Tensor enclose = ew.mul(eh).maximum(eps);
    return iou.sub(enclose.sub(union).div(enclose));
  }

  /** IoU and the clamped union. */
  private static Tensor[] parts(Tensor a, Tensor b, double eps) {
    Tensor area1 = col(a, 2).sub(col(a, 0)).mul(col(a, 3).sub(col(a, 1)));
    Tensor area2 = col(b, 2).sub(col(b, 0)).mul(col(b, 3).sub(col(b, 1)));
    Tensor w = col(a, 2).minimum(col(b, 2)).sub(col(a, 0).maximum(col(b, 0))).relu();
    Tensor h = col(a, 3).minimum(col(b, 3)).sub(col(a, 1).maximum(col(b, 1))).relu();
    Tensor overlap = w.mul(h);
    Tensor union = area1.add(area2).sub(overlap).maximum(eps);
    return new Tensor[] {overlap.div(union), union};
  }
}
