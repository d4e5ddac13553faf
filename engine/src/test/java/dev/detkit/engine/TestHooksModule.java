package dev.detkit.engine;

import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.engine.hooks.Hook;

/** A hook for tests: stops training (as a kill would) after a given epoch was checkpointed. */
public final class TestHooksModule extends DetkitModule {

  /** The epoch after which to stop. */
  public record Args(int epoch) {}

  @Override
  protected void configureComponents() {
    register(
        ComponentSpec.of(
            ComponentKind.HOOK,
            "KillAfterEpochHook",
            Args.class,
            Hook.class,
            (a, ctx) ->
                new Hook() {
                  @Override
                  public int priority() {
                    return 99;
                  }

                  @Override
                  public void afterTrainEpoch(Runner runner) {
                    if (runner.epoch() == a.epoch()) {
                      throw new IllegalStateException("killed after epoch " + a.epoch());
                    }
                  }
                },
            "test: stop after an epoch"));
    register(
        ComponentSpec.of(
            ComponentKind.HOOK,
            "RecordParamHook",
            RecordArgs.class,
            Hook.class,
            (a, ctx) ->
                new Hook() {
                  @Override
                  public int priority() {
                    return 48;
                  }

                  @Override
                  public void afterTrainIter(Runner runner, IterRecord record) {
                    RECORDED.add(
                        runner
                            .model()
                            .module()
                            .namedParameters()
                            .get(a.key())
                            .get()
                            .toFloatArray());
                  }
                },
            "test: records a parameter after every iteration"));
  }

  /** The parameter to record. */
  public record RecordArgs(String key) {}

  /** What RecordParamHook saw, one array per iteration. */
  public static final java.util.List<float[]> RECORDED = new java.util.ArrayList<>();
}
