package dev.detkit.engine.hooks;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.engine.IterRecord;
import dev.detkit.engine.Runner;

/**
 * mmdet's {@code CheckInvalidLossHook}: every {@code interval} iterations, stops training with a
 * clear error when the loss is NaN or infinite (the checkpoint of the last good epoch is kept).
 */
@Component(
    kind = ComponentKind.HOOK,
    name = "CheckInvalidLossHook",
    summary = "stop on a NaN or infinite loss")
public final class CheckInvalidLossHook implements Hook {

  /**
   * mmdet's arguments.
   *
   * @param interval checking interval, in iterations; at least 1
   */
  public record Args(@Default("50") int interval) {
    public Args {
      if (interval < 1) {
        throw new IllegalArgumentException("interval must be at least 1");
      }
    }
  }

  private final Args args;

  public CheckInvalidLossHook(Args args) {
    this.args = args;
  }

  @Override
  public void afterTrainIter(Runner runner, IterRecord record) {
    if (runner.iter() % args.interval() != 0) {
      return;
    }
    for (var e : record.losses().entrySet()) {
      if (!Double.isFinite(e.getValue())) {
        throw new IllegalStateException(
            e.getKey()
                + " became "
                + e.getValue()
                + " at iteration "
                + runner.iter()
                + " (epoch "
                + (runner.epoch() + 1)
                + "); lower the lr or set optim_wrapper.clip_grad");
      }
    }
  }
}
