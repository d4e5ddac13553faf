package dev.detkit.tools;

import com.google.inject.Inject;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.backend.Device;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.distributed.CollectiveException;
import dev.detkit.api.distributed.DistributedEnv;
import dev.detkit.api.distributed.ProcessGroup;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.tensor.Backend;
import dev.detkit.engine.Runner;
import dev.detkit.engine.dist.DataParallel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./detkit train CONFIG}: mmdet's {@code tools/train.py} — the config's model, optimizer,
 * schedule, dataloaders and hooks run by detkit's runner; the work dir gets the resolved config,
 * {@code scalars.jsonl}, checkpoints and {@code curves.png}.
 */
@Command(name = "train", description = "Train a detector from a config.")
public final class TrainCommand implements Callable<Integer> {
  @Inject Registry registry;
  @Inject Backends backends;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where logs and checkpoints go (default: work_dirs/<config name>).")
  Path workDir;

  @Option(names = "--resume", description = "Continue from WORK_DIR/last_checkpoint.")
  boolean resume;

  @Option(
      names = "--backend",
      defaultValue = "djl",
      description = "A backend with autograd: djl (the default) or libtorch.")
  String backend;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description =
          "cpu (default), cuda or cuda:N (libtorch built with -Pcuda and an NVIDIA GPU); a rank of a"
              + " data-parallel job on plain cuda takes cuda:LOCAL_RANK, and its collectives use"
              + " NCCL instead of Gloo.")
  String device;

  @Option(
      names = "--launcher",
      defaultValue = "none",
      description =
          "none (one process, the default) or local: start --nproc ranks on this machine.")
  String launcher;

  @Option(names = "--nproc", defaultValue = "1", description = "Ranks on this machine (local).")
  int nproc;

  @Option(names = "--nnodes", defaultValue = "1", description = "Machines in the job.")
  int nnodes;

  @Option(names = "--node-rank", defaultValue = "0", description = "This machine's index.")
  int nodeRank;

  @Option(
      names = "--master-addr",
      defaultValue = "127.0.0.1",
      description = "Host of rank 0 (its TCPStore).")
  String masterAddr;

  @Option(names = "--master-port", defaultValue = "29500", description = "Port of rank 0's store.")
  int masterPort;

  @Option(
      names = "--dist-timeout",
      paramLabel = "SECONDS",
      defaultValue = "1800",
      description = "Store and collective timeout: a rank that stops fails the job after it.")
  double distTimeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> env = System.getenv();
    if (!DistributedEnv.inEnvironment(env)) {
      if (launcher.equals("local")) {
        LocalLauncher.Job job =
            new LocalLauncher.Job(nproc, nnodes, nodeRank, masterAddr, masterPort, distTimeout);
        List<String> args = spec.root().commandLine().getParseResult().originalArgs();
        return LocalLauncher.run(job, LocalLauncher.currentCommand(args), err);
      }
      if (!launcher.equals("none")) {
        throw new UserError("--launcher must be none or local, got '" + launcher + "'");
      }
      if (nproc != 1 || nnodes != 1) {
        throw new UserError("--nproc and --nnodes need --launcher local");
      }
      // Checked before the config loads, so a missing device is the first and only line.
      return train(out, err, null, backends.get(backend, ModelOptions.parseDevice(device)));
    }
    // A rank of a job (started by --launcher local, torchrun-style, or by hand).
    DistributedEnv denv = DistributedEnv.fromEnvironment(env);
    // As torchrun scripts do: each local rank on its own GPU unless an index is given.
    Device rankDevice = ModelOptions.parseDevice(device).withDefaultIndex(denv.localRank());
    Backend b = backends.get(backend, rankDevice);
    DataParallel dp;
    try {
      dp = new DataParallel(b.processGroup(denv), backends.options().flatAllReduce());
    } catch (UnsupportedOperationException e) {
      throw new UserError(e.getMessage());
    } catch (CollectiveException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    try (ProcessGroup group = dp.group()) {
      return train(out, err, dp, b);
    } catch (CollectiveException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private int train(PrintWriter out, PrintWriter err, DataParallel dp, Backend b) {
    ResolvedConfig cfg = config.loadConfig();
    Path dir = workDir != null ? workDir : defaultWorkDir(cfg);
    long t0 = System.nanoTime();
    try (Runner runner =
        new Runner(
            cfg, new BuildContext(registry, b, backends.options()), dir, resume, out, err, dp)) {
      Map<String, Double> metrics = runner.train();
      if (runner.isMain()) {
        out.printf(
            Locale.ROOT,
            "training finished in %.1f s%s; work dir %s%s%n",
            (System.nanoTime() - t0) / 1e9,
            dp == null ? "" : " (" + runner.worldSize() + " ranks)",
            dir,
            metrics.isEmpty() ? "" : "; last bbox_mAP " + metrics.get("bbox_mAP"));
      }
    } catch (UnsupportedOperationException e) {
      throw new UserError(e.getMessage());
    }
    return 0;
  }

  /** {@code work_dirs/<config name>}, as mmdet's {@code tools/train.py}. */
  public static Path defaultWorkDir(ResolvedConfig cfg) {
    String name = cfg.file().getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return Path.of("work_dirs", name);
  }
}
