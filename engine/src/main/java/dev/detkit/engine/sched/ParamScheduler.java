package dev.detkit.engine.sched;

/**
 * An mmengine learning-rate scheduler as a closed form: the factor it applies to the base lr at a
 * step (an iteration, or an epoch when {@code by_epoch}). Schedulers chain by multiplying, as
 * mmengine's do when several are active. A scheduler acts on steps {@code [begin, end)}: before
 * {@code begin} its factor is 1, after {@code end} it keeps its last value.
 */
public interface ParamScheduler {

  /** The steps it acts on, {@code [begin, end)}, counted in epochs or in iterations. */
  record Range(long begin, long end, boolean byEpoch) {}

  Range range();

  /** Its factor after {@code t} of its own steps ({@code t = 0} at {@code begin}). */
  double factorAt(long t);

  /** True when it steps once per epoch, false once per iteration. */
  default boolean byEpoch() {
    return range().byEpoch();
  }

  /** Its factor at {@code step} (the iteration or epoch index, from 0). */
  default double factor(long step) {
    Range r = range();
    return step < r.begin() ? 1.0 : factorAt(localStep(step, r.begin(), r.end()));
  }

  /**
   * mmengine's {@code convert_to_iter_based}: an epoch-based scheduler that steps every iteration,
   * its epoch counts (begin, end, milestones, T_max) multiplied by {@code itersPerEpoch}. The
   * runner applies it once the data loader's length is known; identity for the others.
   */
  default ParamScheduler iterBased(int itersPerEpoch) {
    return this;
  }

  /** Checks the {@code [begin, end)} range every scheduler shares. */
  static void checkRange(long begin, long end, boolean byEpoch, boolean convertToIterBased) {
    if (end <= begin) {
      throw new IllegalArgumentException("end must be greater than begin");
    }
    if (convertToIterBased && !byEpoch) {
      throw new IllegalArgumentException("convert_to_iter_based needs by_epoch: true");
    }
  }

  /** An epoch count in iterations, keeping mmengine's "until the end" sentinel as it is. */
  static long toIters(long epochs, int itersPerEpoch) {
    return epochs >= 1_000_000_000L ? epochs : epochs * itersPerEpoch;
  }

  /** The scheduler's own step count ({@code last_step}) at a global step, clamped to its range. */
  static long localStep(long step, long begin, long end) {
    return Math.min(step, end - 1) - begin;
  }
}
