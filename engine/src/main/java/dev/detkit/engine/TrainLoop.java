package dev.detkit.engine;

import dev.detkit.api.model.TrainableDetector;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.structures.DetSample;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.engine.dist.DataParallel;
import dev.detkit.engine.hooks.Hook;
import dev.detkit.engine.optim.OptimWrapper;
import dev.detkit.engine.optim.ParamGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * mmengine's {@code EpochBasedTrainLoop} and {@code IterBasedTrainLoop} with its {@code ValLoop}:
 * the order of iterations, the validation schedule and the hook calls around each step. It knows no
 * head, detector or dataset by name: the model is a {@link TrainableDetector}.
 */
final class TrainLoop {
  private final Runner runner;
  private final TrainState state;
  private final TrainLoopCfg cfg;
  private final TrainDataLoader loader;
  private final TrainableDetector detector;
  private final OptimWrapper optim;
  private final Validator validator;
  private final List<Hook> hooks;
  private final DataParallel dp;
  private final Backend backend;

  TrainLoop(
      Runner runner,
      TrainState state,
      TrainLoopCfg cfg,
      TrainDataLoader loader,
      TrainableDetector detector,
      OptimWrapper optim,
      Validator validator,
      List<Hook> hooks,
      DataParallel dp,
      Backend backend) {
    this.runner = runner;
    this.state = state;
    this.cfg = cfg;
    this.loader = loader;
    this.detector = detector;
    this.optim = optim;
    this.validator = validator;
    this.hooks = hooks;
    this.dp = dp;
    this.backend = backend;
  }

  int itersPerEpoch() {
    return loader.batchesPerEpoch();
  }

  int maxEpochs() {
    return cfg.byEpoch()
        ? cfg.maxEpochs()
        : (int) ((cfg.maxIters() + itersPerEpoch() - 1) / itersPerEpoch());
  }

  long maxIters() {
    return cfg.byEpoch() ? (long) cfg.maxEpochs() * itersPerEpoch() : cfg.maxIters();
  }

  /** Trains to the end; returns the last validation metrics (empty without validation). */
  Map<String, Double> run() {
    hooks.forEach(h -> h.beforeTrain(runner));
    Map<String, Double> last = Map.of();
    while (state.iter < maxIters()) {
      int perEpoch = itersPerEpoch();
      state.epoch = (int) (state.iter / perEpoch);
      state.innerIter = (int) (state.iter % perEpoch);
      state.samplerEpoch = 0;
      hooks.forEach(h -> h.beforeTrainEpoch(runner));
      List<int[]> batches = loader.batches(state.samplerEpoch);
      while (state.innerIter < perEpoch && state.iter < maxIters()) {
        runIter(batches.get(state.innerIter));
      }
      if (state.innerIter == perEpoch) {
        state.epoch++;
        hooks.forEach(h -> h.afterTrainEpoch(runner));
        if (validator != null && runner.isMain() && shouldValidate()) {
          last = validate();
        }
      }
    }
    hooks.forEach(h -> h.afterTrain(runner));
    return last;
  }

  private boolean shouldValidate() {
    long step = cfg.byEpoch() ? state.epoch : state.iter;
    return step >= cfg.valBegin() && step % cfg.valInterval() == 0
        || (cfg.byEpoch() ? state.epoch == maxEpochs() : state.iter == maxIters());
  }

  private void runIter(int[] batch) {
    hooks.forEach(h -> h.beforeTrainIter(runner));
    long t0 = System.nanoTime();
    List<DetSample> samples = loader.load(batch, state.samplerEpoch);
    long t1 = System.nanoTime();
    Map<String, Double> losses = new LinkedHashMap<>();
    if (dp != null) {
      dp.beforeStep();
    }
    try (TensorScope scope = TensorScope.open();
        GradientScope g = backend.recordGradients()) {
      Map<String, Tensor> terms = detector.loss(samples);
      Tensor total = null;
      for (Tensor t : terms.values()) {
        total = total == null ? t : total.add(t);
      }
      losses.put("loss", total.item());
      for (Map.Entry<String, Tensor> e : terms.entrySet()) {
        losses.put(e.getKey(), e.getValue().item());
      }
      if (dp == null) {
        optim.update(total, state.lr);
      } else {
        try {
          optim.update(total, state.lr, () -> dp.averageGradients(trainableParameters(optim)));
        } catch (RuntimeException e) {
          throw dp.backwardFailure(e);
        }
      }
    }
    if (dp != null) {
      losses = new LinkedHashMap<>(dp.meanOverRanks(losses, backend));
      if (!dp.bucketed()) {
        // Seconds this rank spent in the gradient all-reduce (logged beside mmengine's time keys);
        // bucketed all-reduces run inside backward and have no time of their own.
        losses.put("allreduce_time", dp.lastAllReduceSeconds());
      }
    }
    if (!Double.isNaN(optim.lastGradNorm())) {
      losses.put("grad_norm", optim.lastGradNorm());
    }
    long t2 = System.nanoTime();
    state.iter++;
    state.innerIter++;
    IterRecord rec = new IterRecord(losses, state.lr, (t2 - t0) / 1e9, (t1 - t0) / 1e9);
    hooks.forEach(h -> h.afterTrainIter(runner, rec));
  }

  /** The optimizer's parameters, each once (tied weights are one parameter under two names). */
  static List<Parameter> trainableParameters(OptimWrapper optim) {
    Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Parameter> out = new ArrayList<>();
    for (ParamGroup g : optim.optimizer().groups()) {
      if (seen.add(g.param())) {
        out.add(g.param());
      }
    }
    return out;
  }

  /** One pass of the validation loop (eval mode, no gradients); returns its metrics. */
  Map<String, Double> validate() {
    hooks.forEach(h -> h.beforeVal(runner));
    detector.module().train(false);
    Map<String, Double> metrics;
    try (GradientScope off = backend.noGradients()) {
      metrics =
          validator.run(
              detector,
              runner.workDir().resolve("val_results.bbox.json"),
              (s, d) -> hooks.forEach(h -> h.afterValIter(runner, s, d)));
    } finally {
      detector.module().train(true);
    }
    state.valHistory.add(metrics);
    hooks.forEach(h -> h.afterVal(runner, metrics));
    return metrics;
  }
}
