package dev.detkit.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where training stands: the loop advances the counters, hooks set the lr and the ETA, and both
 * read them through the {@link Runner}.
 */
final class TrainState {
  /** Completed epochs (during an epoch, its 0-based index). */
  int epoch;

  /** Completed iterations over the whole run. */
  long iter;

  /** Completed iterations of the current epoch. */
  int innerIter;

  /** The sampler's epoch, which orders the data (DistSamplerSeedHook sets it). */
  int samplerEpoch;

  /** The learning rate of the next update (ParamSchedulerHook sets it). */
  double lr;

  /** Seconds left, as IterTimerHook estimates them. */
  double etaSeconds;

  /** Validation results so far, one map per validation. */
  final List<Map<String, Double>> valHistory = new ArrayList<>();
}
