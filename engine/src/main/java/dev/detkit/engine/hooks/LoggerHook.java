package dev.detkit.engine.hooks;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.engine.IterRecord;
import dev.detkit.engine.Progress;
import dev.detkit.engine.Runner;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * mmengine's {@code LoggerHook}: a progress bar over each epoch (rate, ETA, current loss), and
 * every {@code interval} iterations of an epoch (and at its end unless {@code ignore_last}) one
 * record of the window's mean values appended to {@code WORK_DIR/scalars.jsonl} with mmengine's
 * keys ({@code epoch}, {@code iter}, {@code lr}, {@code loss}, {@code loss_cls}, {@code loss_bbox},
 * {@code memory} in MB, {@code time}, {@code data_time}) and printed as mmengine's text line.
 * Validation metrics are logged the same way.
 */
@Component(
    kind = ComponentKind.HOOK,
    name = "LoggerHook",
    summary = "progress bar, scalars.jsonl, log lines")
public final class LoggerHook implements Hook {

  /**
   * mmengine's arguments.
   *
   * @param interval logging interval, in iterations (of the epoch); at least 1
   * @param ignoreLast ignore the log of the last iterations of an epoch when fewer than interval
   *     remain
   * @param logMetricByEpoch whether validation metrics are logged by epoch (else by iteration);
   *     detkit always logs them by epoch and ignores it
   * @param outDir where to copy the logs to (mmengine: a backend directory); detkit writes under
   *     the work directory only and ignores it
   * @param keepLocal whether to keep the local logs after copying them to out_dir; ignored (no
   *     copy)
   */
  public record Args(
      @Default("10") int interval,
      @Default("false") boolean ignoreLast,
      @Default("true") boolean logMetricByEpoch,
      @Default("null") String outDir,
      @Default("false") boolean keepLocal) {
    public Args {
      if (interval < 1) {
        throw new IllegalArgumentException("interval must be at least 1");
      }
    }
  }

  private final Args args;
  private final Map<String, Double> sums = new LinkedHashMap<>();
  private int count;
  private Progress progress;

  public LoggerHook(Args args) {
    this.args = args;
  }

  @Override
  public boolean recordOnly() {
    return true;
  }

  @Override
  public int priority() {
    return 90;
  }

  @Override
  public void beforeTrainEpoch(Runner runner) {
    progress =
        new Progress(
            runner.err(),
            String.format(Locale.ROOT, "epoch %d/%d", runner.epoch() + 1, runner.maxEpochs()),
            runner.itersPerEpoch() - runner.innerIter(),
            runner.options());
  }

  @Override
  public void afterTrainIter(Runner runner, IterRecord r) {
    r.losses().forEach((k, v) -> sums.merge(k, v, Double::sum));
    sums.merge("time", r.time(), Double::sum);
    sums.merge("data_time", r.dataTime(), Double::sum);
    count++;
    progress.step(String.format(Locale.ROOT, "loss %.4f", r.losses().get("loss")));
    int inner = runner.innerIter();
    boolean end = inner == runner.itersPerEpoch();
    if (inner % args.interval() == 0 || (end && !args.ignoreLast())) {
      Map<String, Object> rec = new LinkedHashMap<>();
      rec.put("mode", "train");
      rec.put("epoch", runner.epoch() + 1);
      rec.put("iter", runner.iter());
      rec.put("lr", r.lr());
      sums.forEach((k, v) -> rec.put(k, v / count));
      rec.put("memory", runner.peakMemoryMb());
      runner.scalars().write(rec);
      sums.clear();
      count = 0;
      if (!end) {
        progress.done();
      }
      runner.out().println(line(runner, rec));
      runner.out().flush();
    }
    if (end) {
      progress.done();
    }
  }

  private static String line(Runner runner, Map<String, Object> rec) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Epoch(train) [%d][%d/%d]  lr: %.4e  eta: %s",
                runner.epoch() + 1,
                runner.innerIter(),
                runner.itersPerEpoch(),
                (Double) rec.get("lr"),
                eta(runner.etaSeconds())));
    // Then every loss term the head reports (loss_cls, loss_bbox, loss_centerness, loss_dfl...).
    java.util.List<String> keys =
        new java.util.ArrayList<>(
            java.util.List.of("time", "data_time", "memory", "grad_norm", "loss"));
    rec.keySet().stream().filter(k -> k.startsWith("loss_")).forEach(keys::add);
    for (String k : keys) {
      Object v = rec.get(k);
      if (v instanceof Double d) {
        sb.append(String.format(Locale.ROOT, "  %s: %.4f", k, d));
      } else if (v != null) {
        sb.append("  ").append(k).append(": ").append(v);
      }
    }
    return sb.toString();
  }

  private static String eta(double s) {
    long t = Math.round(s);
    return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
  }

  @Override
  public void afterVal(Runner runner, Map<String, Double> metrics) {
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("mode", "val");
    rec.put("epoch", runner.epoch());
    rec.put("iter", runner.iter());
    metrics.forEach(rec::put);
    runner.scalars().write(rec);
    StringBuilder sb = new StringBuilder("Epoch(val) [" + runner.epoch() + "]");
    metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  coco/%s: %.4f", k, v)));
    runner.out().println(sb);
    runner.out().flush();
  }
}
