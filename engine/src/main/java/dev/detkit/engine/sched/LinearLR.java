package dev.detkit.engine.sched;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;

/**
 * mmengine's {@code LinearLR}: the factor goes linearly from {@code start_factor} at {@code begin}
 * to {@code end_factor} at {@code end}; since mmengine only steps while {@code step < end}, the
 * last value applied is the one at {@code end - 1} (the warm-up of the seed config ends at 0.9991 x
 * lr).
 */
@Component(
    kind = ComponentKind.PARAM_SCHEDULER,
    name = "LinearLR",
    summary = "linear warm-up factor from start_factor to end_factor over [begin, end)")
public final class LinearLR implements ParamScheduler {

  /**
   * mmengine's arguments.
   *
   * @param startFactor the number the lr is multiplied by at begin; in (0, 1]
   * @param endFactor the number the lr is multiplied by at end (reached only at end, which is not
   *     stepped); in [0, 1]
   * @param begin step at which to start updating the lr
   * @param end step at which to stop updating the lr (exclusive; the default means until the end)
   * @param byEpoch whether begin and end are epochs (else iterations)
   * @param convertToIterBased whether to convert the epoch-based schedule to iterations, so it
   *     steps every iteration (needs by_epoch)
   * @param verbose mmengine's switch to print a message at each update; detkit ignores it
   */
  public record Args(
      @Default("0.3333333333333333") double startFactor,
      @Default("1.0") double endFactor,
      @Default("0") long begin,
      @Default("1000000000") long end,
      @Default("true") boolean byEpoch,
      @Default("false") boolean convertToIterBased,
      @Default("false") boolean verbose) {
    public Args {
      if (startFactor <= 0 || startFactor > 1 || endFactor < 0 || endFactor > 1) {
        throw new IllegalArgumentException(
            "start_factor must be in (0, 1] and end_factor in [0, 1]");
      }
      ParamScheduler.checkRange(begin, end, byEpoch, convertToIterBased);
    }
  }

  private final Args a;

  public LinearLR(Args a) {
    this.a = a;
  }

  @Override
  public ParamScheduler iterBased(int e) {
    if (!a.convertToIterBased()) {
      return this;
    }
    return new LinearLR(
        new Args(
            a.startFactor(),
            a.endFactor(),
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
    double total = a.end() - a.begin();
    return a.startFactor() + (a.endFactor() - a.startFactor()) * t / total;
  }
}
