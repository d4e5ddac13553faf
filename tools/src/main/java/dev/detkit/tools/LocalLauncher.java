package dev.detkit.tools;

import dev.detkit.api.distributed.DistributedEnv;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * torchrun's local part: starts this node's ranks as copies of the current command (same JVM, same
 * arguments) with the rank's environment ({@code RANK}, {@code LOCAL_RANK}, {@code WORLD_SIZE},
 * {@code MASTER_ADDR}, {@code MASTER_PORT}, {@code DETKIT_DIST_TIMEOUT_S}), waits for them, and
 * stops the others as soon as one fails.
 */
final class LocalLauncher {
  /** How one node takes part in a job. */
  record Job(
      int nproc, int nnodes, int nodeRank, String masterAddr, int masterPort, double timeoutS) {
    Job {
      if (nproc < 1 || nnodes < 1 || nodeRank < 0 || nodeRank >= nnodes) {
        throw new IllegalArgumentException(
            "--nproc and --nnodes must be >= 1 and --node-rank in [0, nnodes), got nproc "
                + nproc
                + ", nnodes "
                + nnodes
                + ", node-rank "
                + nodeRank);
      }
    }

    int worldSize() {
      return nproc * nnodes;
    }
  }

  private LocalLauncher() {}

  /**
   * This JVM's command line with {@code args} for the main class: the same java, JVM options and
   * class path. (ProcessHandle's arguments are empty where /proc truncates a long class path.)
   */
  static List<String> currentCommand(List<String> args) {
    return RankProcess.command(
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        System.getProperty("java.class.path"),
        args);
  }

  /** Runs this node's ranks of {@code job} with {@code command}; returns the job's exit code. */
  static int run(Job job, List<String> command, PrintWriter err) throws InterruptedException {
    List<Process> ranks = new ArrayList<>();
    try {
      for (int local = 0; local < job.nproc(); local++) {
        DistributedEnv env =
            new DistributedEnv(
                job.nodeRank() * job.nproc() + local,
                job.worldSize(),
                local,
                job.masterAddr(),
                job.masterPort(),
                Duration.ofMillis(Math.round(job.timeoutS() * 1000)));
        ProcessBuilder pb = RankProcess.of(command, env).inheritIO();
        try {
          ranks.add(pb.start());
        } catch (java.io.IOException e) {
          throw new UserError("cannot start rank " + local + ": " + e.getMessage());
        }
      }
      return waitAll(job, ranks, err);
    } finally {
      for (Process p : ranks) {
        p.destroyForcibly();
      }
    }
  }

  private static int waitAll(Job job, List<Process> ranks, PrintWriter err)
      throws InterruptedException {
    int running = ranks.size();
    while (running > 0) {
      running = 0;
      for (int i = 0; i < ranks.size(); i++) {
        Process p = ranks.get(i);
        if (p.isAlive()) {
          running++;
        } else if (p.exitValue() != 0) {
          int rank = job.nodeRank() * job.nproc() + i;
          err.printf(
              "error: rank %d exited with code %d; stopping the other ranks of this node%n",
              rank, p.exitValue());
          for (Process q : ranks) {
            q.destroy();
          }
          for (Process q : ranks) {
            if (!q.waitFor(10, TimeUnit.SECONDS)) {
              q.destroyForcibly();
            }
          }
          return 1;
        }
      }
      if (running > 0) {
        ranks.get(0).waitFor(200, TimeUnit.MILLISECONDS);
      }
    }
    return 0;
  }
}
