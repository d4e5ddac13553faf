package dev.detkit.engine.sched;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.util.List;

/**
 * mmengine's {@code MultiStepLR}: multiplies by {@code gamma} at each milestone (counted from
 * {@code begin}); with {@code by_epoch} and milestones [8, 11], epochs 9-11 (1-based) run at 0.1x
 * and epoch 12 at 0.01x.
 */
@Component(
    kind = ComponentKind.PARAM_SCHEDULER,
    name = "MultiStepLR",
    summary = "multiply by gamma at each milestone")
public final class MultiStepLR implements ParamScheduler {

  /**
   * mmengine's arguments.
   *
   * @param milestones steps (epochs, or iterations when by_epoch is false) at which the lr is
   *     multiplied by gamma, counted from begin; at least one
   * @param gamma multiplicative factor of the lr decay at each milestone
   * @param begin step at which to start updating the lr
   * @param end step at which to stop updating the lr (exclusive; the default means until the end)
   * @param byEpoch whether begin, end and milestones are epochs (else iterations)
   * @param convertToIterBased whether to convert the epoch-based schedule to iterations, so it
   *     steps every iteration (needs by_epoch)
   * @param verbose mmengine's switch to print a message at each update; detkit ignores it
   */
  public record Args(
      List<Integer> milestones,
      @Default("0.1") double gamma,
      @Default("0") long begin,
      @Default("1000000000") long end,
      @Default("true") boolean byEpoch,
      @Default("false") boolean convertToIterBased,
      @Default("false") boolean verbose) {
    public Args {
      if (milestones == null || milestones.isEmpty()) {
        throw new IllegalArgumentException("milestones must list at least one step");
      }
      ParamScheduler.checkRange(begin, end, byEpoch, convertToIterBased);
    }
  }

  private final Args a;

  public MultiStepLR(Args a) {
    this.a = a;
  }

  @Override
  public ParamScheduler iterBased(int e) {
    if (!a.convertToIterBased()) {
      return this;
    }
    return new MultiStepLR(
        new Args(
            a.milestones().stream().map(m -> m * e).toList(),
            a.gamma(),
            ParamScheduler.toIters(a.begin(), e),
            ParamScheduler.toIters(a.end(), e),
            false,
            false,
            a.verbose()));
  }

  @Override
  public Range range() {
    return new Range(a.begin(), a.end(), a.byEpoch());
  }

  @Override
  public double factorAt(long t) {
    double f = 1.0;
    for (int m : a.milestones()) {
      if (m <= t) {
        f *= a.gamma();
      }
    }
    return f;
  }
}
