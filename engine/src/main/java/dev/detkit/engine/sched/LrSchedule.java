package dev.detkit.engine.sched;

import java.util.List;

/** The learning rate at a point of training: the base lr times every scheduler's factor. */
public final class LrSchedule {
  private final double baseLr;
  private final List<ParamScheduler> schedulers;

  public LrSchedule(double baseLr, List<ParamScheduler> schedulers) {
    this.baseLr = baseLr;
    this.schedulers = List.copyOf(schedulers);
  }

  public double baseLr() {
    return baseLr;
  }

  /** The lr of global iteration {@code iter} (from 0), in epoch {@code epoch} (from 0). */
  public double lr(long iter, int epoch) {
    double lr = baseLr;
    for (ParamScheduler s : schedulers) {
      lr *= s.factor(s.byEpoch() ? epoch : iter);
    }
    return lr;
  }
}
