package dev.detkit.engine;

import dev.detkit.api.registry.Default;
import java.util.List;

/**
 * mmengine's {@code train_cfg}: {@code EpochBasedTrainLoop} with {@code max_epochs} or {@code
 * IterBasedTrainLoop} with {@code max_iters}; validation every {@code val_interval} epochs (or
 * iterations) from {@code val_begin}.
 *
 * @param type the loop: EpochBasedTrainLoop or IterBasedTrainLoop; detkit refuses others
 * @param maxEpochs total training epochs (EpochBasedTrainLoop, at least 1)
 * @param maxIters total training iterations (IterBasedTrainLoop, at least 1)
 * @param valInterval validation every this many epochs (iterations for IterBasedTrainLoop); at
 *     least 1
 * @param valBegin the epoch (or iteration) from which validation runs
 * @param dynamicIntervals changes of val_interval during training; only null, detkit refuses it
 */
public record TrainLoopCfg(
    @Default("EpochBasedTrainLoop") String type,
    @Default("null") Integer maxEpochs,
    @Default("null") Long maxIters,
    @Default("1") int valInterval,
    @Default("1") int valBegin,
    @Default("null") List<List<Integer>> dynamicIntervals) {
  public TrainLoopCfg {
    switch (type) {
      case "EpochBasedTrainLoop" -> {
        if (maxEpochs == null || maxEpochs < 1) {
          throw new IllegalArgumentException("EpochBasedTrainLoop needs max_epochs >= 1");
        }
      }
      case "IterBasedTrainLoop" -> {
        if (maxIters == null || maxIters < 1) {
          throw new IllegalArgumentException("IterBasedTrainLoop needs max_iters >= 1");
        }
      }
      default ->
          throw new IllegalArgumentException(
              "train_cfg.type '"
                  + type
                  + "' is not supported (use EpochBasedTrainLoop or IterBasedTrainLoop)");
    }
    if (valInterval < 1) {
      throw new IllegalArgumentException("val_interval must be at least 1");
    }
    if (dynamicIntervals != null) {
      throw new IllegalArgumentException("dynamic_intervals is not supported");
    }
  }

  public boolean byEpoch() {
    return type.equals("EpochBasedTrainLoop");
  }
}
