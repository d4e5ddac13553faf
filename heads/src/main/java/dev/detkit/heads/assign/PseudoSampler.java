package dev.detkit.heads.assign;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * mmdet's {@code PseudoSampler}: every positive ({@code gt_inds > 0}) and every negative ({@code
 * gt_inds == 0}), in prior order; {@code avg_factor} is max(positives, 1) (mmdet 3.x, {@code
 * avg_factor_with_neg=False}).
 */
public final class PseudoSampler implements Sampler {

  @Component(
      kind = ComponentKind.SAMPLER,
      name = "PseudoSampler",
      summary = "all positives and negatives (for focal loss)")
  public static PseudoSampler create(Args args) {
    return new PseudoSampler();
  }

  /** PseudoSampler takes no arguments. */
  public record Args() {}

  @Override
  public SamplingResult sample(AssignResult assign) {
    int[] gt = assign.gtInds();
    int[] pos = IntStream.range(0, gt.length).filter(i -> gt[i] > 0).toArray();
    int[] neg = IntStream.range(0, gt.length).filter(i -> gt[i] == 0).toArray();
    int[] posGt = Arrays.stream(pos).map(i -> gt[i] - 1).toArray();
    // SamplingResult.avg_factor with avg_factor_with_neg=False: max(num_pos, 1), so an image
    // without positives still adds 1 to the batch's avg_factor.
    return new SamplingResult(pos, neg, posGt, Math.max(pos.length, 1));
  }
}
