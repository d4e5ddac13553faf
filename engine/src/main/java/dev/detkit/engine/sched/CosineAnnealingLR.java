package dev.detkit.engine.sched;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Key;

/**
 * mmengine's {@code CosineAnnealingLR} in its closed form: after {@code t} of its steps the lr is
 * {@code eta_min + (base - eta_min) (1 + cos(pi t / T_max)) / 2}, as a factor of the base lr. A
 * minimum is given as {@code eta_min_ratio} (of the base lr) or as {@code eta_min}; detkit's
 * schedulers are factors of the base lr, so an absolute {@code eta_min} other than 0 is refused
 * (give {@code eta_min_ratio}).
 */
@Component(
    kind = ComponentKind.PARAM_SCHEDULER,
    name = "CosineAnnealingLR",
    summary = "half a cosine from the base lr down to eta_min over T_max steps")
public final class CosineAnnealingLR implements ParamScheduler {

  /**
   * mmengine's arguments.
   *
   * @param tMax steps of one half cosine period (default: end - begin)
   * @param etaMin the minimum lr (0 only; see eta_min_ratio)
   * @param etaMinRatio the minimum as a fraction of the base lr
   * @param begin first step it acts on
   * @param end first step it no longer acts on
   * @param byEpoch steps are epochs (else iterations)
   * @param convertToIterBased epochs converted to iterations: it steps every iteration
   * @param verbose mmengine's logging switch (ignored)
   */
  public record Args(
      @Key("T_max") @Default("null") Long tMax,
      @Default("null") Double etaMin,
      @Default("null") Double etaMinRatio,
      @Default("0") long begin,
      @Default("1000000000") long end,
      @Default("true") boolean byEpoch,
      @Default("false") boolean convertToIterBased,
      @Default("false") boolean verbose) {
    public Args {
      ParamScheduler.checkRange(begin, end, byEpoch, convertToIterBased);
      if (etaMin != null && etaMinRatio != null) {
        throw new IllegalArgumentException("give eta_min or eta_min_ratio, not both");
      }
      if (etaMin != null && etaMin != 0.0) {
        throw new IllegalArgumentException(
            "an absolute eta_min other than 0 is not supported; give eta_min_ratio");
      }
      if (tMax != null && tMax < 1) {
        throw new IllegalArgumentException("T_max must be positive, got " + tMax);
      }
    }

    long periodSteps() {
      return tMax != null ? tMax : end - begin;
    }
  }

  private final Args a;

  public CosineAnnealingLR(Args a) {
    this.a = a;
  }

  @Override
  public ParamScheduler iterBased(int e) {
    if (!a.convertToIterBased()) {
      return this;
    }
    return new CosineAnnealingLR(
        new Args(
            a.periodSteps() * e,
            a.etaMin(),
            a.etaMinRatio(),
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
    double min = a.etaMinRatio() == null ? 0.0 : a.etaMinRatio();
    return min + (1 - min) * (1 + Math.cos(Math.PI * t / a.periodSteps())) / 2;
  }
}
