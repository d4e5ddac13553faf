package dev.detkit.engine.hooks;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.engine.IterRecord;
import dev.detkit.engine.Runner;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * mmengine's {@code EMAHook}: an exponential moving average of the model's parameters (and, with
 * {@code update_buffers}, of its floating-point buffers) updated after every training iteration.
 * Validation runs on the averaged weights, and a saved checkpoint holds them as the model's weights
 * (so {@code test}, {@code infer} and {@code load_from} use them), with the training weights under
 * {@code ema_state_dict.module.} to resume from, as mmengine swaps them.
 *
 * <p>{@code ExponentialMovingAverage}: {@code avg += m (src - avg)}. {@code ExpMomentumEMA} (YOLOX,
 * EfficientDet): the momentum decays towards {@code m} as {@code (1 - m) exp(-(1 + step) / gamma) +
 * m}, so early steps follow the model closely. The first update copies the model.
 */
@Component(
    kind = ComponentKind.HOOK,
    name = "EMAHook",
    summary = "exponential moving average of the weights, used by validation and saved checkpoints")
public final class EMAHook implements Hook {
  /** The checkpoint prefix of the training (non-averaged) weights. */
  public static final String PREFIX = "ema_state_dict.module.";

  /**
   * mmengine's arguments (the hook's and its EMA model's).
   *
   * @param emaType ExponentialMovingAverage or ExpMomentumEMA
   * @param momentum weight of the new value in each update (mmengine's convention: 0.0002 keeps
   *     99.98% of the average)
   * @param gamma ExpMomentumEMA's decay of the momentum over steps
   * @param interval update every this many iterations
   * @param updateBuffers average BN running statistics too (else they are copied)
   * @param strictLoad load the averaged weights strictly when resuming (detkit always does)
   * @param beginIter iteration from which averaging starts (before it the average copies)
   * @param beginEpoch epoch from which averaging starts
   * @param priority the hook's priority (mmengine's NORMAL is 50; EfficientDet uses 49)
   */
  public record Args(
      @Default("ExponentialMovingAverage") String emaType,
      @Default("0.0002") double momentum,
      @Default("2000") double gamma,
      @Default("1") int interval,
      @Default("false") boolean updateBuffers,
      @Default("false") boolean strictLoad,
      @Default("0") long beginIter,
      @Default("0") int beginEpoch,
      @Default("50") int priority) {
    public Args {
      if (!emaType.equals("ExponentialMovingAverage") && !emaType.equals("ExpMomentumEMA")) {
        throw new IllegalArgumentException(
            "ema_type '"
                + emaType
                + "' is not supported (ExponentialMovingAverage, ExpMomentumEMA)");
      }
      if (!(momentum > 0 && momentum < 1) || interval < 1 || !(gamma > 0)) {
        throw new IllegalArgumentException(
            "momentum must be in (0, 1), interval >= 1 and gamma > 0");
      }
    }
  }

  private final Args args;
  private final Map<Parameter, Tensor> average = new IdentityHashMap<>();
  private long steps;

  public EMAHook(Args args) {
    this.args = args;
  }

  @Override
  public int priority() {
    return args.priority();
  }

  /** The update weight at {@code step}. */
  double momentumAt(long step) {
    return args.emaType().equals("ExpMomentumEMA")
        ? (1 - args.momentum()) * Math.exp(-(1.0 + step) / args.gamma()) + args.momentum()
        : args.momentum();
  }

  @Override
  public void afterTrainIter(Runner runner, IterRecord record) {
    Module model = runner.model().module();
    boolean started = runner.iter() >= args.beginIter() && runner.epoch() + 1 > args.beginEpoch();
    try (GradientScope off = runner.backend().noGradients()) {
      for (Parameter p : unique(model).values()) {
        Tensor src = p.get();
        Tensor avg = average.get(p);
        boolean averaged = p.isBuffer() ? args.updateBuffers() : true;
        if (avg == null) {
          average.put(p, TensorScope.release(src.detach().copy()));
        } else if (!started || !averaged || steps == 0) {
          avg.assign(src.detach());
        } else if (steps % args.interval() == 0 && src.dtype().isFloating()) {
          try (TensorScope scope = TensorScope.open()) {
            avg.addInPlace(src.detach().sub(avg).mul(momentumAt(steps)));
          }
        }
      }
    }
    if (started) {
      steps++;
    }
  }

  @Override
  public void beforeVal(Runner runner) {
    swap(runner);
  }

  @Override
  public void afterVal(Runner runner, Map<String, Double> metrics) {
    swap(runner);
  }

  /** The checkpoint holds the averaged weights as the model's; the training ones under PREFIX. */
  @Override
  public void beforeSaveCheckpoint(Runner runner, Map<String, TensorData> extra) {
    Module model = runner.model().module();
    model.stateDict().forEach((k, t) -> extra.put(PREFIX + k, TensorData.of(t)));
    swap(runner);
  }

  @Override
  public void afterSaveCheckpoint(Runner runner) {
    swap(runner);
  }

  /**
   * Resuming: the model loaded the averaged weights; take them as the average, train on the rest.
   */
  @Override
  public void afterLoadCheckpoint(Runner runner, Map<String, TensorData> all) {
    Module model = runner.model().module();
    Map<String, TensorData> training = new LinkedHashMap<>();
    all.forEach(
        (k, v) -> {
          if (k.startsWith(PREFIX)) {
            training.put(k.substring(PREFIX.length()), v);
          }
        });
    if (training.isEmpty()) {
      return;
    }
    try (GradientScope off = runner.backend().noGradients()) {
      for (Map.Entry<String, Parameter> e : unique(model).entrySet()) {
        Parameter p = e.getValue();
        Tensor avg = average.get(p);
        if (avg == null) {
          average.put(p, TensorScope.release(p.get().detach().copy()));
        } else {
          avg.assign(p.get().detach());
        }
        TensorData t = training.get(e.getKey());
        if (t != null) {
          try (TensorScope scope = TensorScope.open()) {
            p.get().assign(t.toTensor(runner.backend(), p.get().dtype()));
          }
          p.markModified();
        }
      }
    }
    steps = Math.max(steps, runner.iter());
  }

  /** Exchanges the model's weights with the averaged ones, in place (autograd leaves stay). */
  private void swap(Runner runner) {
    if (average.isEmpty()) {
      return;
    }
    try (GradientScope off = runner.backend().noGradients();
        TensorScope scope = TensorScope.open()) {
      for (Map.Entry<Parameter, Tensor> e : average.entrySet()) {
        Tensor current = e.getKey().get().detach().copy();
        e.getKey().get().assign(e.getValue());
        e.getValue().assign(current);
        e.getKey().markModified();
      }
    }
  }

  /** Each parameter once (tied weights are one Parameter under several names), by first name. */
  private static Map<String, Parameter> unique(Module model) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    java.util.Set<Parameter> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    model
        .namedParameters()
        .forEach(
            (k, p) -> {
              if (seen.add(p)) {
                out.put(k, p);
              }
            });
    return out;
  }
}
