package dev.detkit.spark;

import dev.detkit.engine.Progress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The driver side: images grouped into batches of the config's batch size (in dataset order, so a
 * batch holds the images it holds in {@code ./detkit test}), batches into partitions, the job run
 * with a progress line and a timeout, and the answers collected back in dataset order.
 */
final class DetectionJob {
  private DetectionJob() {}

  /**
   * Detects on every image; failed images come back with their error.
   *
   * @param partitions number of partitions (0: 4 per default parallelism slot, at most one per
   *     batch)
   * @param timeout the whole job's limit (zero: none)
   */
  static List<ImageDetections> run(
      SparkSession spark,
      ModelSpec spec,
      List<ImageTask> images,
      int batchSize,
      int partitions,
      Duration timeout,
      String label,
      PrintWriter err) {
    List<List<ImageTask>> batches = new ArrayList<>();
    for (int i = 0; i < images.size(); i += batchSize) {
      batches.add(new ArrayList<>(images.subList(i, Math.min(images.size(), i + batchSize))));
    }
    if (batches.isEmpty()) {
      return List.of();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices =
        Math.min(batches.size(), partitions > 0 ? partitions : 4 * jsc.defaultParallelism());
    LongAccumulator done = jsc.sc().longAccumulator("detkit.images");
    ProgressListener listener =
        new ProgressListener(new Progress(err, label, images.size(), spec.options()), done);
    jsc.sc().addSparkListener(listener);
    JavaFutureAction<List<ImageDetections>> job =
        jsc.parallelize(batches, slices)
            .mapPartitions(new DetectPartition(spec, done))
            .collectAsync();
    List<ImageDetections> out;
    try {
      out = timeout.isZero() ? job.get() : job.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      job.cancel(true);
      err.println();
      throw new SparkUserError(
          "spark: the job did not finish within "
              + SparkSessions.seconds(timeout)
              + " ("
              + listener.shown()
              + " of "
              + images.size()
              + " images done; see --job-timeout)");
    } catch (ExecutionException | CancellationException e) {
      err.println();
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "spark: the job failed: " + (c.getMessage() == null ? c : firstLine(c.getMessage())), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Spark job", e);
    } finally {
      jsc.sc().removeSparkListener(listener);
    }
    // Listener events arrive asynchronously: complete the line from the collected answers.
    listener.catchUp();
    err.println();
    List<ImageDetections> sorted = new ArrayList<>(out);
    sorted.sort(Comparator.comparingInt(ImageDetections::index));
    return sorted;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
