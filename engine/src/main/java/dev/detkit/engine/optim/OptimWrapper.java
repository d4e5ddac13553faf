package dev.detkit.engine.optim;

import dev.detkit.api.nn.Module;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.Map;

/**
 * mmengine's {@code OptimWrapper}: back-propagates the loss, clips the gradients' global norm when
 * {@code clip_grad} is set ({@code max_norm}, {@code norm_type} 2), steps the optimizer and clears
 * the gradients.
 */
public final class OptimWrapper implements AutoCloseable {

  /**
   * mmengine's arguments.
   *
   * @param type the wrapper's name; only OptimWrapper (no AmpOptimWrapper), detkit refuses others
   * @param optimizer config of the optimizer (SGD)
   * @param paramwiseCfg per-parameter lr and weight decay multipliers; null for none
   * @param clipGrad gradient clipping: {max_norm: x} clips the global L2 norm of all gradients to
   *     x; norm_type must be 2; null for no clipping
   * @param accumulativeCounts number of iterations whose gradients are accumulated before a step;
   *     only 1, detkit refuses others
   */
  public record Args(
      @Default("OptimWrapper") String type,
      @Kind(ComponentKind.OPTIMIZER) ComponentConfig optimizer,
      @Default("null") ParamwiseCfg paramwiseCfg,
      @Default("null") Map<String, Double> clipGrad,
      @Default("1") int accumulativeCounts) {
    public Args {
      if (!type.equals("OptimWrapper")) {
        throw new IllegalArgumentException(
            "optim_wrapper.type '" + type + "' is not supported (use OptimWrapper)");
      }
      if (accumulativeCounts != 1) {
        throw new IllegalArgumentException("accumulative_counts other than 1 is not supported");
      }
      if (clipGrad != null) {
        if (!clipGrad.containsKey("max_norm")) {
          throw new IllegalArgumentException("clip_grad needs max_norm");
        }
        if (clipGrad.getOrDefault("norm_type", 2.0) != 2.0) {
          throw new IllegalArgumentException("clip_grad.norm_type must be 2");
        }
      }
    }
  }

  private final Optimizer optimizer;
  private final Double maxNorm;
  private double lastGradNorm = Double.NaN;

  public OptimWrapper(Optimizer optimizer, Double maxNorm) {
    this.optimizer = optimizer;
    this.maxNorm = maxNorm;
  }

  /** Builds the wrapper and its optimizer over {@code model}'s trainable parameters. */
  public static OptimWrapper build(Args a, Module model, BuildContext ctx) {
    ParamwiseCfg pw =
        a.paramwiseCfg() == null || a.paramwiseCfg().isEmpty()
            ? ParamwiseCfg.none()
            : a.paramwiseCfg();
    OptimizerFactory f = ctx.build(a.optimizer(), OptimizerFactory.class);
    return new OptimWrapper(
        f.create(pw.groups(model)), a.clipGrad() == null ? null : a.clipGrad().get("max_norm"));
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  /** The gradients' global L2 norm at the last update (NaN when clipping is off). */
  public double lastGradNorm() {
    return lastGradNorm;
  }

  /** Backward, clip, step at {@code lr}, zero the gradients. */
  public void update(Tensor loss, double lr) {
    update(loss, lr, () -> {});
  }

  /**
   * Backward, then {@code afterBackward} (data-parallel training averages the gradients over the
   * ranks there, as DDP does before the optimizer sees them), clip, step, zero the gradients.
   */
  public void update(Tensor loss, double lr, Runnable afterBackward) {
    loss.backward();
    afterBackward.run();
    if (maxNorm != null) {
      clip();
    }
    optimizer.step(lr);
    try (TensorScope scope = TensorScope.open()) {
      for (ParamGroup g : optimizer.groups()) {
        if (g.param().get().grad() != null) {
          g.param().get().zeroGrad();
        }
      }
    }
  }

  private void clip() {
    double sq = 0;
    try (GradientScope off = optimizer.groups().get(0).param().get().backend().noGradients();
        TensorScope scope = TensorScope.open()) {
      for (ParamGroup g : optimizer.groups()) {
        Tensor grad = g.param().get().grad();
        if (grad != null) {
          sq += grad.mul(grad).sum().item();
        }
      }
      lastGradNorm = Math.sqrt(sq);
      double coef = maxNorm / (lastGradNorm + 1e-6);
      if (coef < 1) {
        for (ParamGroup g : optimizer.groups()) {
          Tensor grad = g.param().get().grad();
          if (grad != null) {
            grad.mulInPlace(coef);
          }
        }
      }
    }
  }

  @Override
  public void close() {
    optimizer.close();
  }
}
