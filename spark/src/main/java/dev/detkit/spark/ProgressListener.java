package dev.detkit.spark;

import dev.detkit.engine.Progress;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;

/**
 * Images done / total, rate and ETA on the driver, advanced as tasks finish: Spark merges a
 * successful task's accumulator updates before it posts the task's end, so the accumulator's
 * driver-side value counts the images of every finished task (a retried task counts once).
 */
final class ProgressListener extends SparkListener {
  private final Progress progress;
  private final LongAccumulator imagesDone;
  private long shown;

  ProgressListener(Progress progress, LongAccumulator imagesDone) {
    this.progress = progress;
    this.imagesDone = imagesDone;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    catchUp();
  }

  /** Shows every image the accumulator has counted. */
  synchronized void catchUp() {
    for (long done = imagesDone.value(); shown < done; shown++) {
      progress.step();
    }
  }

  /** Images counted so far. */
  synchronized long shown() {
    return shown;
  }
}
