package dev.detkit.engine.hooks;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.structures.Detections;
import dev.detkit.engine.IterRecord;
import dev.detkit.engine.Runner;
import java.util.Map;

/**
 * A training-loop hook (mmengine's {@code Hook}): called at the loop's points in priority order
 * (lower first; mmengine's NORMAL is 50).
 */
public interface Hook {

  /**
   * True for hooks that only write the run's record (logs, checkpoints, drawings): in a
   * data-parallel job only rank 0 runs them, while hooks that change training run on every rank.
   */
  default boolean recordOnly() {
    return false;
  }

  /** mmengine's priority; hooks run in ascending order. */
  default int priority() {
    return 50;
  }

  default void beforeTrain(Runner runner) {}

  default void beforeTrainEpoch(Runner runner) {}

  default void beforeTrainIter(Runner runner) {}

  default void afterTrainIter(Runner runner, IterRecord record) {}

  default void afterTrainEpoch(Runner runner) {}

  /** Before a validation pass (the model is about to switch to eval mode). */
  default void beforeVal(Runner runner) {}

  default void afterValIter(Runner runner, DetSample sample, Detections detections) {}

  default void afterVal(Runner runner, Map<String, Double> metrics) {}

  default void afterTrain(Runner runner) {}

  /** Before a training checkpoint is written; {@code extra} tensors are saved beside the model. */
  default void beforeSaveCheckpoint(Runner runner, Map<String, TensorData> extra) {}

  default void afterSaveCheckpoint(Runner runner) {}

  /** After {@code --resume} loaded the model; {@code all} is every tensor of the checkpoint. */
  default void afterLoadCheckpoint(Runner runner, Map<String, TensorData> all) {}
}
