package dev.detkit.tools;

import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.engine.Runner;
import java.io.PrintWriter;
import java.nio.file.Path;
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
final class TrainCommand implements Callable<Integer> {
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

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ResolvedConfig cfg = config.loadConfig();
    Path dir = workDir != null ? workDir : defaultWorkDir(cfg);
    long t0 = System.nanoTime();
    try (Runner runner = new Runner(cfg, Backends.get(backend), dir, resume, out, err)) {
      Map<String, Double> metrics = runner.train();
      out.printf(
          Locale.ROOT,
          "training finished in %.1f s; work dir %s%s%n",
          (System.nanoTime() - t0) / 1e9,
          dir,
          metrics.isEmpty() ? "" : "; last bbox_mAP " + metrics.get("bbox_mAP"));
    } catch (UnsupportedOperationException e) {
      throw new UserError(e.getMessage());
    }
    return 0;
  }

  static Path defaultWorkDir(ResolvedConfig cfg) {
    String name = cfg.file().getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return Path.of("work_dirs", name);
  }
}
