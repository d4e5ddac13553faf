package dev.detkit.spark;

import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.tools.RankProcess;
import dev.detkit.tools.TrainCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * {@code ./detkit spark train CONFIG --world-size N}: Spark as the launcher of a data-parallel job.
 * One barrier task per rank ({@link TrainRank}) runs {@code ./detkit train}'s rank code in a JVM of
 * its own; the ranks meet through rank 0's TCPStore and train over Gloo, exactly as ranks of {@code
 * --launcher local} do, so a Spark cluster trains without any new service. Rank 0 writes logs,
 * checkpoints and validation results into the work dir (a shared file system on a cluster).
 */
@Command(
    name = "train",
    description = "Data-parallel training with one rank per Spark barrier task (libtorch, Gloo).")
final class SparkTrainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "Config file.")
  Path config;

  @Option(
      names = "--world-size",
      required = true,
      paramLabel = "N",
      description = "Ranks: one Spark barrier task each.")
  int worldSize;

  @Option(
      names = "--backend",
      defaultValue = "libtorch",
      description = "A backend with a process group: libtorch (the default).")
  String backend;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Where rank 0 writes logs and checkpoints (default: work_dirs/<config name>); on a"
              + " cluster, a shared file system.")
  Path workDir;

  @Option(names = "--resume", description = "Continue from WORK_DIR/last_checkpoint.")
  boolean resume;

  @Option(
      names = "--dist-timeout",
      paramLabel = "SECONDS",
      defaultValue = "1800",
      description = "Store and collective timeout: a rank that stops fails the job after it.")
  double distTimeout;

  @Option(names = "--cfg-options", arity = "1..*", paramLabel = "KEY=VALUE")
  List<String> cfgOptions = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (worldSize < 1) {
      throw new SparkUserError("--world-size must be >= 1, got " + worldSize);
    }
    if (!(distTimeout > 0)) {
      throw new SparkUserError("--dist-timeout: expected a positive number of seconds");
    }
    // Checked here, once, so a bad config is the driver's one line rather than every rank's.
    ResolvedConfig cfg = new ConfigLoader().load(config, cfgOptions);
    Path dir = (workDir != null ? workDir : TrainCommand.defaultWorkDir(cfg)).toAbsolutePath();
    List<String> args = new ArrayList<>();
    args.addAll(List.of("train", config.toAbsolutePath().toString(), "--backend", backend));
    args.addAll(List.of("--work-dir", dir.toString()));
    if (resume) {
      args.add("--resume");
    }
    if (!cfgOptions.isEmpty()) {
      args.add("--cfg-options");
      args.addAll(cfgOptions);
    }
    TrainRank ranks =
        new TrainRank(
            worldSize,
            RankProcess.jvmOptions(),
            args,
            Duration.ofMillis(Math.round(distTimeout * 1000)));
    String master = cluster.master;
    if (master == null && System.getProperty("spark.master") == null) {
      master = "local[" + worldSize + "]";
    }
    // A failed rank fails the job: a retried barrier stage would start training from scratch.
    List<String> conf = new ArrayList<>(List.of("spark.task.maxFailures=1"));
    conf.add("spark.stage.maxConsecutiveAttempts=1");
    conf.addAll(cluster.conf);
    SparkSession spark =
        SparkSessions.start(
            master, "detkit spark train " + config, conf, cluster.startTimeout(), cluster.debug());
    List<String> done;
    try {
      done = run(spark, ranks, cluster.jobTimeout());
    } finally {
      SparkSessions.stopQuietly(spark);
    }
    String rank0 = done.stream().filter(s -> s.startsWith("0\t")).findFirst().orElse("0\t?\t");
    String[] f = rank0.split("\t", 3);
    out.printf(
        "spark train: %d ranks finished (rank 0 on %s): %s%n",
        worldSize, f[1], f.length > 2 ? f[2] : "");
    out.flush();
    err.flush();
    return 0;
  }

  private List<String> run(SparkSession spark, TrainRank ranks, Duration timeout) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (jsc.isLocal() && jsc.defaultParallelism() < worldSize) {
      throw new SparkUserError(
          "spark train: --world-size "
              + worldSize
              + " needs "
              + worldSize
              + " task slots at once (one barrier task per rank), "
              + jsc.master()
              + " has "
              + jsc.defaultParallelism());
    }
    ClassTag<String> tag = ClassTag$.MODULE$.apply(String.class);
    List<Integer> rankIds = IntStream.range(0, worldSize).boxed().toList();
    RDD<String> rdd =
        jsc.parallelize(rankIds, worldSize).rdd().barrier().mapPartitions(ranks, false, tag);
    JavaFutureAction<List<String>> job = JavaRDD.fromRDD(rdd, tag).collectAsync();
    try {
      return timeout.isZero() ? job.get() : job.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      job.cancel(true);
      throw new SparkUserError(
          "spark train: the job did not finish within "
              + SparkSessions.seconds(timeout)
              + " (see --job-timeout)");
    } catch (ExecutionException | CancellationException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("spark train: " + failure(String.valueOf(c.getMessage())), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Spark job", e);
    }
  }

  private static final Pattern RANK_FAILURE =
      Pattern.compile(Pattern.quote(TrainRank.FAILED) + "([^\r\n]*)");

  /** The failed rank's own line from Spark's report, else the report's first line. */
  static String failure(String sparkMessage) {
    Matcher m = RANK_FAILURE.matcher(sparkMessage);
    if (m.find()) {
      return m.group(1);
    }
    int nl = sparkMessage.indexOf('\n');
    return nl < 0 ? sparkMessage : sparkMessage.substring(0, nl);
  }
}
