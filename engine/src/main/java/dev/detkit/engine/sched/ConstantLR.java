package dev.detkit.engine.sched;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;

/**
 * mmengine's {@code ConstantLR}: the lr is multiplied by {@code factor} on steps {@code [begin,
 * end)} and restored at {@code end} (FCOS's warm-up: factor 1/3 for 500 iterations).
 */
@Component(
    kind = ComponentKind.PARAM_SCHEDULER,
    name = "ConstantLR",
    summary = "constant factor on [begin, end), lr restored at end")
public final class ConstantLR implements ParamScheduler {

  /**
   * mmengine's arguments.
   *
   * @param factor the number the lr is multiplied by on [begin, end); in (0, 1]
   * @param begin step at which to start updating the lr
   * @param end step at which the lr is restored (exclusive; the default means until the end)
   * @param byEpoch whether begin and end are epochs (else iterations)
   * @param convertToIterBased whether to convert the epoch-based schedule to iterations, so it
   *     steps every iteration (needs by_epoch)
   * @param verbose mmengine's switch to print a message at each update; detkit ignores it
   */
  public record Args(
      @Default("0.3333333333333333") double factor,
      @Default("0") long begin,
      @Default("1000000000") long end,
      @Default("true") boolean byEpoch,
      @Default("false") boolean convertToIterBased,
      @Default("false") boolean verbose) {
    public Args {
      if (factor <= 0 || factor > 1) {
        throw new IllegalArgumentException("factor must be in (0, 1]");
      }
      ParamScheduler.checkRange(begin, end, byEpoch, convertToIterBased);
    }
  }

  private final Args a;

  public ConstantLR(Args a) {
    this.a = a;
  }

  @Override
  public ParamScheduler iterBased(int e) {
    if (!a.convertToIterBased()) {
      return this;
    }
    return new ConstantLR(
        new Args(
            a.factor(),
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
    return a.factor();
  }

  @Override
  public double factor(long step) {
    return step < a.begin() || step >= a.end() ? 1.0 : a.factor();
  }
}
