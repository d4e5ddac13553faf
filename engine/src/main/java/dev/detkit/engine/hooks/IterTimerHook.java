package dev.detkit.engine.hooks;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.engine.IterRecord;
import dev.detkit.engine.Runner;

/**
 * mmengine's {@code IterTimerHook}: keeps the mean iteration time, from which the logger computes
 * the ETA of the run.
 */
public final class IterTimerHook implements Hook {

  @Component(kind = ComponentKind.HOOK, name = "IterTimerHook", summary = "iteration time, ETA")
  public static IterTimerHook create(Args args) {
    return new IterTimerHook();
  }

  /**
   * mmengine's arguments.
   *
   * @param type the hook's name (IterTimerHook); it has no other argument
   */
  public record Args(@Default("IterTimerHook") String type) {}

  private double total;
  private long count;

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public void afterTrainIter(Runner runner, IterRecord record) {
    total += record.time();
    count++;
    runner.setEtaSeconds(total / count * (runner.maxIters() - runner.iter()));
  }
}
