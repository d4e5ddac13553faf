package dev.detkit.spark;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Starts a Spark session that is known to have an executor, or fails within the start timeout. A
 * driver whose master does not answer blocks in SparkContext's constructor, and one whose executors
 * cannot launch waits for them forever; both become a one-line error instead.
 */
final class SparkSessions {
  private SparkSessions() {}

  /**
   * A session on {@code master} (null: spark-submit's {@code spark.master}, else {@code local[*]}),
   * with {@code conf} ({@code key=value}) applied.
   */
  static SparkSession start(
      String master, String app, List<String> conf, Duration timeout, boolean debug) {
    // A failed start is summed up in one line; Spark's own log of it (a stack trace per
    // executor launch) only with --debug.
    Level level = LogManager.getRootLogger().getLevel();
    if (!debug) {
      Configurator.setRootLevel(Level.OFF);
    }
    try {
      return startQuietly(master, app, conf, timeout);
    } finally {
      Configurator.setRootLevel(level);
    }
  }

  private static SparkSession startQuietly(
      String master, String app, List<String> conf, Duration timeout) {
    SparkConf sc = new SparkConf(); // picks up spark-submit's spark.* properties
    if (master != null) {
      sc.setMaster(master);
    } else if (!sc.contains("spark.master")) {
      sc.setMaster("local[*]");
    }
    sc.setIfMissing("spark.app.name", app);
    // The driver shows detkit's own progress line (images, rate, ETA).
    sc.setIfMissing("spark.ui.showConsoleProgress", "false");
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new SparkUserError("--conf: expected KEY=VALUE, got '" + kv + "'");
      }
      sc.set(kv.substring(0, eq), kv.substring(eq + 1));
    }
    String where = sc.get("spark.master");
    long deadline = System.nanoTime() + timeout.toNanos();
    ExecutorService starter =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "detkit-spark-start");
              t.setDaemon(true);
              return t;
            });
    Future<SparkSession> f = starter.submit(() -> SparkSession.builder().config(sc).getOrCreate());
    starter.shutdown();
    SparkSession session;
    try {
      session = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new SparkUserError(
          "spark: master " + where + " did not accept the application within " + seconds(timeout));
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new SparkUserError(
          "spark: cannot start on master "
              + where
              + ": "
              + (c.getMessage() == null ? c : c.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Spark", e);
    }
    SparkContext ctx = session.sparkContext();
    while (true) {
      if (ctx.isStopped()) {
        throw new SparkUserError(
            "spark: the application on " + where + " stopped before an executor started");
      }
      // In local mode the driver runs the tasks; elsewhere the driver itself is listed too.
      if (ctx.isLocal() || ctx.statusTracker().getExecutorInfos().length > 1) {
        return session;
      }
      if (System.nanoTime() > deadline) {
        stopQuietly(session);
        throw new SparkUserError(
            "spark: no executor started within "
                + seconds(timeout)
                + " on "
                + where
                + " (free cores and memory for spark.executor.memory + memoryOverhead? see"
                + " --start-timeout)");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for executors", e);
      }
    }
  }

  /** Stops the session, waiting at most 10 s (a broken cluster may not answer). */
  static void stopQuietly(SparkSession session) {
    Thread t = new Thread(session::stop, "detkit-spark-stop");
    t.setDaemon(true);
    t.start();
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }
}
