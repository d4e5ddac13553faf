package dev.detkit.heads.assign;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * mmdet's {@code PseudoSampler}: every positive ({@code gt_inds > 0}) and every negative ({@code
 * gt_inds == 0}), in prior order; {@code avg_factor} is the number of positives (mmdet 3.x, {@code
 * avg_factor_with_neg=False}).
 */
public final class PseudoSampler implements Sampler {

  /** PseudoSampler takes no arguments. */
  public record Args() {}

  @Override
  public SamplingResult sample(AssignResult assign) {
    int[] gt = assign.gtInds();
    int[] pos = IntStream.range(0, gt.length).filter(i -> gt[i] > 0).toArray();
    int[] neg = IntStream.range(0, gt.length).filter(i -> gt[i] == 0).toArray();
    int[] posGt = Arrays.stream(pos).map(i -> gt[i] - 1).toArray();
    return new SamplingResult(pos, neg, posGt, pos.length);
  }
}
