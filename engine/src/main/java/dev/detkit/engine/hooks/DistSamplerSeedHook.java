package dev.detkit.engine.hooks;

import dev.detkit.api.registry.Default;
import dev.detkit.engine.Runner;

/**
 * mmengine's {@code DistSamplerSeedHook}: makes the sampler draw a new permutation each epoch. It
 * tells the runner which epoch the sampler is in; detkit's loader seeds its permutation with {@code
 * seed + epoch} from that.
 */
public final class DistSamplerSeedHook implements Hook {

  /** mmengine's arguments. */
  public record Args(@Default("DistSamplerSeedHook") String type) {}

  @Override
  public void beforeTrainEpoch(Runner runner) {
    runner.setSamplerEpoch(runner.epoch());
  }
}
