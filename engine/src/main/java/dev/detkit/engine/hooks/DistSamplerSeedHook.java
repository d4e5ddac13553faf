package dev.detkit.engine.hooks;

import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.engine.Runner;

/**
 * mmengine's {@code DistSamplerSeedHook}: makes the sampler draw a new permutation each epoch. It
 * tells the runner which epoch the sampler is in; detkit's loader seeds its permutation with {@code
 * seed + epoch} from that.
 */
public final class DistSamplerSeedHook implements Hook {

  @Component(
      kind = ComponentKind.HOOK,
      name = "DistSamplerSeedHook",
      summary = "a new data order each epoch")
  public static DistSamplerSeedHook create(Args args) {
    return new DistSamplerSeedHook();
  }

  /**
   * mmengine's arguments.
   *
   * @param type the hook's name (DistSamplerSeedHook); it has no other argument
   */
  public record Args(@Default("DistSamplerSeedHook") String type) {}

  @Override
  public void beforeTrainEpoch(Runner runner) {
    runner.setSamplerEpoch(runner.epoch());
  }
}
