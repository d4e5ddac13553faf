package dev.detkit.engine.hooks;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.engine.IterRecord;
import dev.detkit.engine.Runner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * mmengine's {@code CheckpointHook}: saves {@code epoch_N.safetensors} every {@code interval}
 * epochs (or {@code iter_N} every {@code interval} iterations when not {@code by_epoch}) and at the
 * end, keeps the newest {@code max_keep_ckpts}, and with {@code save_best} (a metric name or {@code
 * auto} = the first metric) keeps {@code best_<metric>_epoch_N.safetensors} by {@code rule}
 * (greater by default). {@code WORK_DIR/last_checkpoint} names the newest one, for resume.
 */
@Component(
    kind = ComponentKind.HOOK,
    name = "CheckpointHook",
    summary = "save, keep, best checkpoint")
public final class CheckpointHook implements Hook {

  /**
   * mmengine's arguments.
   *
   * @param interval the saving period, in epochs (in iterations when by_epoch is false); at least 1
   * @param byEpoch saving checkpoints by epoch or by iteration
   * @param maxKeepCkpts the maximum number of periodic checkpoints to keep (the oldest are
   *     deleted); -1 keeps all
   * @param saveBest the metric (e.g. coco/bbox_mAP) whose best checkpoint is kept, auto for the
   *     first metric, null for none
   * @param rule comparison rule for the best score: greater or less; null infers it from the
   *     metric's name by greater_keys and less_keys, as mmengine does
   * @param greaterKeys metric-name parts that make a null rule 'greater' (case-insensitive; an
   *     exact match is tried before a substring)
   * @param lessKeys metric-name parts that make a null rule 'less' (checked after greater_keys)
   * @param saveLast whether to save a checkpoint at the last epoch (or iteration) even off the
   *     period
   * @param saveOptimizer whether to save the optimizer state; detkit always saves it (resume needs
   *     it) and ignores false
   * @param saveParamScheduler whether to save the scheduler state; detkit's schedulers are
   *     closed-form in the epoch and iteration, so it is ignored
   * @param outDir the directory to save checkpoints to; detkit always saves in the work directory
   *     and ignores it
   */
  public record Args(
      @Default("1") int interval,
      @Default("true") boolean byEpoch,
      @Default("-1") int maxKeepCkpts,
      @Default("null") String saveBest,
      @Default("null") String rule,
      @Default("true") boolean saveLast,
      @Default("true") boolean saveOptimizer,
      @Default("true") boolean saveParamScheduler,
      @Default("null") String outDir,
      @Default("[acc, top, AR@, auc, precision, mAP, mDice, mIoU, mAcc, aAcc]")
          List<String> greaterKeys,
      @Default("[loss]") List<String> lessKeys) {
    public Args {
      if (interval < 1) {
        throw new IllegalArgumentException("interval must be at least 1");
      }
      if (rule != null && !rule.equals("greater") && !rule.equals("less")) {
        throw new IllegalArgumentException("rule must be greater or less, got " + rule);
      }
    }
  }

  private final Args args;
  private final Deque<Path> kept = new ArrayDeque<>();
  private Path best;
  private double bestScore = Double.NaN;

  public CheckpointHook(Args args) {
    this.args = args;
  }

  @Override
  public boolean recordOnly() {
    return true;
  }

  @Override
  public int priority() {
    return 70;
  }

  @Override
  public void afterTrainIter(Runner runner, IterRecord record) {
    boolean last = runner.iter() == runner.maxIters();
    if (!args.byEpoch() && (runner.iter() % args.interval() == 0 || (last && args.saveLast()))) {
      save(runner, "iter_" + runner.iter());
    }
  }

  @Override
  public void afterTrainEpoch(Runner runner) {
    boolean last = runner.epoch() == runner.maxEpochs();
    if (args.byEpoch() && (runner.epoch() % args.interval() == 0 || (last && args.saveLast()))) {
      save(runner, "epoch_" + runner.epoch());
    }
  }

  private void save(Runner runner, String name) {
    Path file = runner.workDir().resolve(name + ".safetensors");
    runner.saveCheckpoint(file);
    kept.remove(file);
    kept.addLast(file);
    while (args.maxKeepCkpts() > 0 && kept.size() > args.maxKeepCkpts()) {
      delete(kept.removeFirst());
    }
  }

  @Override
  public void afterVal(Runner runner, Map<String, Double> metrics) {
    if (args.saveBest() == null || metrics.isEmpty()) {
      return;
    }
    String key =
        args.saveBest().equals("auto") ? metrics.keySet().iterator().next() : args.saveBest();
    String metricKey = key;
    key = key.startsWith("coco/") ? key.substring("coco/".length()) : key;
    Double score = metrics.get(key);
    if (score == null) {
      throw new dev.detkit.api.config.ConfigException(
          "default_hooks.checkpoint.save_best '"
              + args.saveBest()
              + "' is not a validation metric "
              + metrics.keySet());
    }
    boolean less = "less".equals(args.rule() != null ? args.rule() : inferRule(metricKey, args));
    if (Double.isNaN(bestScore) || (less ? score < bestScore : score > bestScore)) {
      if (best != null) {
        delete(best);
      }
      bestScore = score;
      best =
          runner
              .workDir()
              .resolve("best_coco_" + key + "_epoch_" + runner.epoch() + ".safetensors");
      runner.saveCheckpoint(best);
      runner
          .out()
          .println("The best checkpoint with " + score + " " + key + " is saved to " + best);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove old checkpoint " + p, e);
    }
  }

  /**
   * mmengine's rule for a metric when none is given: an exact (case-insensitive) match in
   * greater_keys, then in less_keys, then a greater key contained in the name, then a less key;
   * otherwise the rule must be given.
   */
  static String inferRule(String metric, Args args) {
    String m = metric.toLowerCase(Locale.ROOT);
    List<String> greater = lower(args.greaterKeys());
    List<String> less = lower(args.lessKeys());
    if (greater.contains(m)) {
      return "greater";
    }
    if (less.contains(m)) {
      return "less";
    }
    if (greater.stream().anyMatch(m::contains)) {
      return "greater";
    }
    if (less.stream().anyMatch(m::contains)) {
      return "less";
    }
    throw new dev.detkit.api.config.ConfigException(
        "default_hooks.checkpoint.rule: cannot infer the rule for metric '"
            + metric
            + "' from greater_keys or less_keys; set rule: greater or less");
  }

  private static List<String> lower(List<String> keys) {
    return keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
  }
}
