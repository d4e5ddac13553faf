package dev.detkit.engine.optim;

import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.GradientScope;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.SGD}: {@code d = g + wd * p}; momentum buffer {@code b = d} on the first step,
 * then {@code b = m * b + (1 - dampening) * d}; Nesterov {@code d = d + m * b} else {@code d = b};
 * {@code p -= lr * d}. Weight decay and lr are scaled by each group's multipliers. Parameters
 * without a gradient are skipped.
 */
public final class Sgd implements Optimizer {

  /** The optimizer config builds a factory; the runner applies it to the model's param groups. */
  @Component(
      kind = ComponentKind.OPTIMIZER,
      name = "SGD",
      summary = "SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD)")
  public static OptimizerFactory factory(Args args) {
    return groups -> new Sgd(args, groups);
  }

  /**
   * torch's arguments.
   *
   * @param lr learning rate (the base lr that param_scheduler factors and lr_mult multiply); not
   *     negative
   * @param momentum momentum factor; not negative, 0 for none
   * @param weightDecay weight decay (L2 penalty) added to the gradient as wd * p; not negative
   * @param dampening dampening for momentum (the gradient's share of the buffer is 1 - dampening)
   * @param nesterov enables Nesterov momentum; needs a positive momentum and dampening 0, detkit
   *     refuses anything else
   */
  public record Args(
      double lr,
      @Default("0.0") double momentum,
      @Default("0.0") double weightDecay,
      @Default("0.0") double dampening,
      @Default("false") boolean nesterov) {
    public Args {
      if (lr < 0 || momentum < 0 || weightDecay < 0) {
        throw new IllegalArgumentException("lr, momentum and weight_decay must be >= 0");
      }
      if (nesterov && (momentum <= 0 || dampening != 0)) {
        throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening 0");
      }
    }
  }

  private static final String BUFFER = "momentum_buffer";

  private final Args args;
  private final List<ParamGroup> groups;
  private final Map<String, Tensor> buffers = new HashMap<>();

  public Sgd(Args args, List<ParamGroup> groups) {
    this.args = args;
    this.groups = List.copyOf(groups);
  }

  @Override
  public double baseLr() {
    return args.lr();
  }

  @Override
  public List<ParamGroup> groups() {
    return groups;
  }

  @Override
  public void step(double lr) {
    for (ParamGroup g : groups) {
      Tensor p = g.param().get();
      Tensor grad = p.grad();
      if (grad == null) {
        continue;
      }
      try (GradientScope off = p.backend().noGradients();
          TensorScope scope = TensorScope.open()) {
        Tensor d = grad;
        double wd = args.weightDecay() * g.decayMult();
        if (wd != 0) {
          d = d.add(p.mul(wd));
        }
        if (args.momentum() != 0) {
          Tensor buf = buffers.get(g.name());
          if (buf == null) {
            buf = TensorScope.release(d.copy());
            buffers.put(g.name(), buf);
          } else {
            buf.mulInPlace(args.momentum());
            buf.addInPlace(args.dampening() == 0 ? d : d.mul(1 - args.dampening()));
          }
          d = args.nesterov() ? d.add(buf.mul(args.momentum())) : buf;
        }
        p.subInPlace(d.mul(lr * g.lrMult()));
        g.param().markModified();
      }
    }
  }

  @Override
  public Map<String, TensorData> state() {
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (ParamGroup g : groups) {
      Tensor b = buffers.get(g.name());
      if (b != null) {
        out.put(g.name() + "." + BUFFER, TensorData.of(b));
      }
    }
    return out;
  }

  @Override
  public void loadState(Map<String, TensorData> state) {
    Map<String, ParamGroup> byName = new HashMap<>();
    groups.forEach(g -> byName.put(g.name() + "." + BUFFER, g));
    for (Map.Entry<String, TensorData> e : state.entrySet()) {
      ParamGroup g = byName.get(e.getKey());
      if (g == null) {
        throw new dev.detkit.api.checkpoint.CheckpointException(
            "optimizer state '" + e.getKey() + "' names no trainable parameter of the model");
      }
      Tensor t = TensorScope.release(e.getValue().toTensor(g.param().get().backend()));
      if (!t.shape().equals(g.param().shape())) {
        t.close();
        throw new dev.detkit.api.checkpoint.CheckpointException(
            "optimizer state '"
                + e.getKey()
                + "' has shape "
                + e.getValue().shape()
                + ", the parameter "
                + g.param().shape());
      }
      Tensor old = buffers.put(g.name(), t);
      if (old != null) {
        old.close();
      }
    }
  }

  @Override
  public void close() {
    buffers.values().forEach(Tensor::close);
    buffers.clear();
  }
}
