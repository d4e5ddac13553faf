package dev.detkit.spark;

import dev.detkit.api.distributed.DistributedEnv;
import dev.detkit.tools.RankProcess;
import java.io.IOException;
import java.io.Serializable;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One barrier task = one rank of {@code ./detkit spark train}. The rank is the partition id; rank 0
 * shares its host and a free port through one barrier {@code allGather}; then the task runs {@code
 * DetkitCli train ...} in a JVM of its own with the rank's torchrun variables (as {@code --launcher
 * local} does) and waits for it. The executor JVM never loads libtorch: a rank's natives live and
 * die with its process, and a rank that fails or is killed cannot leave native state behind in an
 * executor that later tasks reuse. A rank that exits non-zero fails its task (so Spark stops the
 * other ranks of the barrier stage, whose children are then destroyed) with one line that the
 * driver shows.
 */
final class TrainRank extends AbstractFunction1<Iterator<Integer>, Iterator<String>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Starts the message of a failed rank, so the driver can find it in Spark's report. */
  static final String FAILED = "detkit rank failed: ";

  private final int worldSize;
  private final List<String> jvmOptions;
  private final List<String> trainArgs;
  private final long timeoutMillis;

  /**
   * @param jvmOptions the driver's JVM options for each rank ({@link RankProcess#jvmOptions()})
   * @param trainArgs {@code train CONFIG ...} with absolute paths
   * @param timeout the store and collective timeout of the ranks
   */
  TrainRank(int worldSize, List<String> jvmOptions, List<String> trainArgs, Duration timeout) {
    this.worldSize = worldSize;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.trainArgs = List.copyOf(trainArgs);
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public Iterator<String> apply(Iterator<Integer> partition) {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    int rank = ctx.partitionId();
    BarrierTaskInfo[] tasks = ctx.getTaskInfos();
    List<String> hosts = new ArrayList<>();
    for (BarrierTaskInfo t : tasks) {
      hosts.add(host(t.address()));
    }
    String mine = hosts.get(rank);
    String[] shared = ctx.allGather(rank == 0 ? mine + " " + freePort() : "");
    String[] master = shared[0].split(" ");
    int port = Integer.parseInt(master[1]);
    // All ranks on one machine (local mode): loopback, as --launcher local.
    boolean oneHost = hosts.stream().allMatch(h -> h.equals(master[0]));
    int localRank = (int) hosts.subList(0, rank).stream().filter(mine::equals).count();
    DistributedEnv env =
        new DistributedEnv(
            rank,
            worldSize,
            localRank,
            oneHost ? "127.0.0.1" : master[0],
            port,
            Duration.ofMillis(timeoutMillis));
    List<String> opts = new ArrayList<>(jvmOptions);
    if (opts.stream().noneMatch(o -> o.startsWith("-Ddetkit.threads="))) {
      opts.add("-Ddetkit.threads=" + ctx.cpus()); // spark.task.cpus, as for inference
    }
    ProcessBuilder pb =
        RankProcess.of(RankProcess.command(opts, RankProcess.classPath(), trainArgs), env);
    if (!oneHost) {
      pb.environment().putIfAbsent("DETKIT_GLOO_HOST", mine); // the address Spark reaches
    }
    String where = "rank " + rank + " of " + worldSize + " on " + mine;
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(FAILED + where + " did not start: " + e.getMessage(), e);
    }
    try {
      OutputTail out = OutputTail.start(p.getInputStream(), System.out, "detkit-rank-out");
      OutputTail err = OutputTail.start(p.getErrorStream(), System.err, "detkit-rank-err");
      while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
        if (ctx.isInterrupted()) {
          p.destroyForcibly();
          ctx.killTaskIfInterrupted();
        }
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            FAILED
                + where
                + " exited with code "
                + p.exitValue()
                + ": "
                + err.lastLine("error:", 5000));
      }
      return CollectionConverters.asScala(
          List.of(rank + "\t" + mine + "\t" + out.lastLine(null, 5000)).iterator());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(FAILED + where + " was interrupted", e);
    } finally {
      p.destroyForcibly();
    }
  }

  /** The host of a task's {@code host:port} address. */
  static String host(String address) {
    int colon = address.lastIndexOf(':');
    String h = colon > 0 ? address.substring(0, colon) : address;
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  /**
   * A port free on this host now, for rank 0's TCPStore (the rank binds it a moment later, as
   * torchrun's own free-port choice does).
   */
  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(FAILED + "no free port for rank 0's store: " + e, e);
    }
  }
}
