package dev.detkit.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of every {@code spark} command that say where and how long it runs. */
class ClusterOptions {
  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "local[N], spark://HOST:PORT, yarn, k8s://... (default: spark-submit's, else local[*];"
              + " train: local[WORLD_SIZE]).")
  String master;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "A Spark setting, e.g. spark.executor.memory=2g (repeatable).")
  List<String> conf = new ArrayList<>();

  @Option(
      names = "--start-timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "Fail when no executor has started by then (default 120).")
  double startTimeout;

  @Option(
      names = "--job-timeout",
      defaultValue = "0",
      paramLabel = "SECONDS",
      description = "Fail when the job has not finished by then (default 0: no limit).")
  double jobTimeout;

  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec mixee;

  /** Whether --debug was given (Spark's own log of a failed start is then shown). */
  boolean debug() {
    Object root = mixee.root().userObject();
    return root instanceof SparkCli c && c.debug;
  }

  Duration startTimeout() {
    return duration("--start-timeout", startTimeout, false);
  }

  Duration jobTimeout() {
    return duration("--job-timeout", jobTimeout, true);
  }

  private static Duration duration(String name, double secs, boolean zeroOk) {
    if (!(secs > 0 || (zeroOk && secs == 0))) {
      throw new SparkUserError(name + ": expected a positive number of seconds, got " + secs);
    }
    return Duration.ofMillis(Math.round(secs * 1000));
  }
}
