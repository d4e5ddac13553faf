package dev.detkit.engine.hooks;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.engine.Runner;

/**
 * mmengine's {@code ParamSchedulerHook}: before every iteration, sets the learning rate the {@code
 * param_scheduler} list gives for this iteration and epoch. Without it the lr stays at the
 * optimizer's.
 */
public final class ParamSchedulerHook implements Hook {

  @Component(
      kind = ComponentKind.HOOK,
      name = "ParamSchedulerHook",
      summary = "apply param_scheduler each iteration")
  public static ParamSchedulerHook create(Args args) {
    return new ParamSchedulerHook();
  }

  /**
   * mmengine's arguments.
   *
   * @param type the hook's name (ParamSchedulerHook); it has no other argument
   */
  public record Args(@Default("ParamSchedulerHook") String type) {}

  @Override
  public int priority() {
    return 30;
  }

  @Override
  public void beforeTrainIter(Runner runner) {
    runner.setLr(runner.schedule().lr(runner.iter(), runner.epoch()));
  }
}
