package dev.detkit.spark;

import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Options of every {@code spark} command: the model (as {@code ./detkit test}'s) and the cluster.
 */
class SparkOptions {
  @Parameters(index = "0", paramLabel = "CONFIG", description = "Config file.")
  Path config;

  @Option(names = "--cfg-options", arity = "1..*", paramLabel = "KEY=VALUE")
  List<String> cfgOptions = new ArrayList<>();

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description =
          "Checkpoint, at a path the executors can read (default: the config's load_from).")
  Path checkpoint;

  @Option(names = "--backend", defaultValue = "djl", description = "djl (default) or nd4j.")
  String backend;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "local[N], spark://HOST:PORT, yarn, k8s://... (default: spark-submit's, else local[*]).")
  String master;

  @Option(
      names = "--partitions",
      defaultValue = "0",
      paramLabel = "N",
      description = "Partitions of the image list (default: 4 per core of the cluster).")
  int partitions;

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
      description = "Fail when the detection job has not finished by then (default 0: no limit).")
  double jobTimeout;

  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec mixee;

  /** Whether --debug was given (Spark's own log of a failed start is then shown). */
  boolean debug() {
    Object root = mixee.root().userObject();
    return root instanceof SparkCli c && c.debug;
  }

  ResolvedConfig loadConfig() {
    return new ConfigLoader().load(config, cfgOptions);
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
