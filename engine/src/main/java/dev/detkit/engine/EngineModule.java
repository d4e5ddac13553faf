package dev.detkit.engine;

import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.engine.hooks.CheckInvalidLossHook;
import dev.detkit.engine.hooks.CheckpointHook;
import dev.detkit.engine.hooks.DetVisualizationHook;
import dev.detkit.engine.hooks.DistSamplerSeedHook;
import dev.detkit.engine.hooks.EMAHook;
import dev.detkit.engine.hooks.Hook;
import dev.detkit.engine.hooks.IterTimerHook;
import dev.detkit.engine.hooks.LoggerHook;
import dev.detkit.engine.hooks.ParamSchedulerHook;
import dev.detkit.engine.optim.OptimizerFactory;
import dev.detkit.engine.optim.Sgd;
import dev.detkit.engine.sched.ConstantLR;
import dev.detkit.engine.sched.CosineAnnealingLR;
import dev.detkit.engine.sched.LinearLR;
import dev.detkit.engine.sched.MultiStepLR;
import dev.detkit.engine.sched.ParamScheduler;

/** Registers the optimizer, learning-rate schedulers and training hooks. */
public final class EngineModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    register(
        ComponentSpec.of(
            ComponentKind.OPTIMIZER,
            "SGD",
            Sgd.Args.class,
            OptimizerFactory.class,
            (a, ctx) -> groups -> new Sgd(a, groups),
            "SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD)"));
    register(
        ComponentSpec.of(
            ComponentKind.PARAM_SCHEDULER,
            "LinearLR",
            LinearLR.Args.class,
            ParamScheduler.class,
            (a, ctx) -> new LinearLR(a),
            "linear warm-up factor from start_factor to end_factor over [begin, end)"));
    register(
        ComponentSpec.of(
            ComponentKind.PARAM_SCHEDULER,
            "ConstantLR",
            ConstantLR.Args.class,
            ParamScheduler.class,
            (a, ctx) -> new ConstantLR(a),
            "constant factor on [begin, end), lr restored at end"));
    register(
        ComponentSpec.of(
            ComponentKind.PARAM_SCHEDULER,
            "MultiStepLR",
            MultiStepLR.Args.class,
            ParamScheduler.class,
            (a, ctx) -> new MultiStepLR(a),
            "multiply by gamma at each milestone"));
    register(
        ComponentSpec.of(
            ComponentKind.PARAM_SCHEDULER,
            "CosineAnnealingLR",
            CosineAnnealingLR.Args.class,
            ParamScheduler.class,
            (a, ctx) -> new CosineAnnealingLR(a),
            "half a cosine from the base lr down to eta_min over T_max steps"));
    hook(
        "EMAHook",
        EMAHook.Args.class,
        EMAHook::new,
        "exponential moving average of the weights, used by validation and saved checkpoints");
    hook(
        "IterTimerHook", IterTimerHook.Args.class, a -> new IterTimerHook(), "iteration time, ETA");
    hook(
        "LoggerHook",
        LoggerHook.Args.class,
        LoggerHook::new,
        "progress bar, scalars.jsonl, log lines");
    hook(
        "ParamSchedulerHook",
        ParamSchedulerHook.Args.class,
        a -> new ParamSchedulerHook(),
        "apply param_scheduler each iteration");
    hook(
        "CheckpointHook",
        CheckpointHook.Args.class,
        CheckpointHook::new,
        "save, keep, best checkpoint");
    hook(
        "DistSamplerSeedHook",
        DistSamplerSeedHook.Args.class,
        a -> new DistSamplerSeedHook(),
        "a new data order each epoch");
    hook(
        "DetVisualizationHook",
        DetVisualizationHook.Args.class,
        DetVisualizationHook::new,
        "draw validation detections (draw: true)");
    hook(
        "CheckInvalidLossHook",
        CheckInvalidLossHook.Args.class,
        CheckInvalidLossHook::new,
        "stop on a NaN or infinite loss");
  }

  private <A extends Record> void hook(
      String name, Class<A> args, java.util.function.Function<A, Hook> f, String summary) {
    register(
        ComponentSpec.of(
            ComponentKind.HOOK, name, args, Hook.class, (a, ctx) -> f.apply(a), summary));
  }
}
