package dev.detkit.api.nn;

import dev.detkit.api.checkpoint.CheckpointException;
import dev.detkit.api.checkpoint.TensorData;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A tree of named sub-modules, parameters and buffers whose dotted names equal PyTorch's state-dict
 * keys ({@code layers.1.0.depthwise_conv.bn.running_mean}). Order follows PyTorch: a module's own
 * parameters, then its buffers, then its children, in registration order.
 *
 * <p>Modules start in eval mode (detkit is inference-first); {@link #train(boolean)} switches the
 * whole tree and lets subclasses re-apply frozen stages and {@code norm_eval}.
 */
public abstract class Module implements AutoCloseable {
  private final Map<String, Parameter> params = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training;

  /** Registers a child under {@code name}; returns it. */
  protected final <M extends Module> M register(String name, M child) {
    if (children.containsKey(name) || params.containsKey(name)) {
      throw new IllegalStateException(getClass().getSimpleName() + " already has '" + name + "'");
    }
    children.put(name, child);
    return child;
  }

  /** A learnable parameter owned by this module. */
  protected final Parameter parameter(String name, Tensor value) {
    return put(name, new Parameter(value, false));
  }

  /** A buffer (saved in the state dict, never learned). */
  protected final Parameter buffer(String name, Tensor value) {
    return put(name, new Parameter(value, true));
  }

  /** Registers an existing parameter under another name (tied weights). */
  protected final Parameter alias(String name, Parameter shared) {
    return put(name, shared);
  }

  private Parameter put(String name, Parameter p) {
    if (params.containsKey(name) || children.containsKey(name)) {
      throw new IllegalStateException(getClass().getSimpleName() + " already has '" + name + "'");
    }
    params.put(name, p);
    return p;
  }

  /** Direct children by name. */
  public final Map<String, Module> children() {
    return java.util.Collections.unmodifiableMap(children);
  }

  /** Every parameter and buffer by full dotted name, aliases included, in state-dict order. */
  public final Map<String, Parameter> namedParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect("", out);
    return out;
  }

  private void collect(String prefix, Map<String, Parameter> out) {
    for (boolean buffers : new boolean[] {false, true}) {
      params.forEach(
          (k, p) -> {
            if (p.isBuffer() == buffers) {
              out.put(prefix + k, p);
            }
          });
    }
    children.forEach((k, m) -> m.collect(prefix + k + ".", out));
  }

  /** Every module of the tree with its dotted name ({@code ""} for this one), depth first. */
  public final Map<String, Module> namedModules() {
    Map<String, Module> out = new LinkedHashMap<>();
    walk("", out);
    return out;
  }

  private void walk(String name, Map<String, Module> out) {
    out.put(name, this);
    children.forEach((k, m) -> m.walk(name.isEmpty() ? k : name + "." + k, out));
  }

  /** The state dict: every parameter and buffer tensor by key (tied ones under each alias). */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    namedParameters().forEach((k, p) -> out.put(k, p.get()));
    return out;
  }

  /**
   * The learnable, not frozen parameters, each once under its first name (tied weights appear once,
   * as mmengine's {@code bypass_duplicate} sees them), in state-dict order.
   */
  public final Map<String, Parameter> trainableParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    Set<Parameter> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    namedParameters()
        .forEach(
            (k, p) -> {
              if (p.isTrainable() && seen.add(p)) {
                out.put(k, p);
              }
            });
    return out;
  }

  /**
   * Marks every trainable parameter as needing a gradient (and every frozen one as not), so that a
   * backward pass fills their {@code grad()}; needs a backend with autograd.
   */
  public final void requireGradients() {
    Set<Parameter> trainable = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    trainable.addAll(trainableParameters().values());
    Set<Parameter> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Parameter p : namedParameters().values()) {
      if (!p.isBuffer() && seen.add(p)) {
        p.get().requiresGrad(trainable.contains(p));
      }
    }
  }

  /** Number of distinct learnable parameter elements (tied weights counted once). */
  public final long parameterCount() {
    long n = 0;
    Set<Parameter> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Parameter p : namedParameters().values()) {
      if (!p.isBuffer() && seen.add(p)) {
        n += p.shape().size();
      }
    }
    return n;
  }

  /** Visits every module of the tree, this one first. */
  public final void apply(Consumer<Module> f) {
    f.accept(this);
    children.values().forEach(c -> c.apply(f));
  }

  /** True in training mode. */
  public final boolean isTraining() {
    return training;
  }

  /** Sets training or eval mode on the whole tree, then calls {@link #afterModeChange()}. */
  public Module train(boolean mode) {
    apply(m -> m.training = mode);
    apply(Module::afterModeChange);
    return this;
  }

  /** Eval mode. */
  public final Module eval() {
    return train(false);
  }

  /** Hook run after a mode change on every module (frozen stages, norm_eval). */
  protected void afterModeChange() {}

  /** Puts this subtree in eval mode without freezing its parameters (norm_eval). */
  public final void markEval() {
    apply(m -> m.training = false);
  }

  /** Freezes every parameter of this subtree and keeps it in eval mode. */
  public final void freeze() {
    apply(
        m -> {
          m.training = false;
          m.params.values().forEach(p -> p.setTrainable(false));
        });
  }

  /**
   * Loads a state dict by key (mmengine's {@code load_state_dict}): matching keys are copied in,
   * shape mismatches are reported and skipped. In strict mode any missing, unexpected or mismatched
   * key is an error and nothing at all is loaded.
   *
   * @param source names the checkpoint in error messages
   */
  public final LoadReport loadStateDict(
      Map<String, TensorData> sd, Backend backend, boolean strict, String source) {
    sd = upgradeStateDict(sd);
    Map<String, Parameter> own = namedParameters();
    List<String> missing = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    Map<Parameter, Map.Entry<String, TensorData>> plan = new IdentityHashMap<>();
    Map<Parameter, List<String>> aliases = new IdentityHashMap<>();
    own.forEach((k, p) -> aliases.computeIfAbsent(p, x -> new ArrayList<>()).add(k));
    for (Map.Entry<String, TensorData> e : sd.entrySet()) {
      Parameter p = own.get(e.getKey());
      if (p == null) {
        unexpected.add(e.getKey());
      } else if (!p.shape().equals(e.getValue().shape())) {
        mismatched.add(
            e.getKey() + ": checkpoint " + e.getValue().shape() + ", model " + p.shape());
      } else {
        plan.putIfAbsent(p, e);
      }
    }
    // A tied parameter is satisfied by any of its aliases (safetensors' save_model drops copies).
    aliases.forEach(
        (p, names) -> {
          if (!plan.containsKey(p) && names.stream().noneMatch(n -> mismatchedKey(mismatched, n))) {
            missing.addAll(names);
          }
        });
    missing.sort(null);
    LoadReport report = new LoadReport(missing, unexpected, mismatched);
    if (strict && !report.isClean()) {
      throw new CheckpointException(source + ": strict load failed: " + report.summary());
    }
    List<String> nonFinite = new ArrayList<>();
    List<String> integerStored = new ArrayList<>();
    for (Map.Entry<Parameter, Map.Entry<String, TensorData>> e : plan.entrySet()) {
      Parameter p = e.getKey();
      String key = e.getValue().getKey();
      TensorData data = e.getValue().getValue();
      Tensor t;
      if (p.get().dtype() == DType.FLOAT32) {
        if (!data.type().isFloat()) {
          integerStored.add(key + " (" + data.type() + ")");
        }
        float[] v = data.toFloats();
        int bad = 0;
        for (float x : v) {
          bad += Float.isFinite(x) ? 0 : 1;
        }
        if (bad > 0) {
          nonFinite.add(key + " (" + bad + " of " + v.length + ")");
        }
        t = backend.fromFloats(v, data.shape().dims());
      } else {
        t = data.toTensor(backend, p.get().dtype());
      }
      p.set(t);
    }
    nonFinite.sort(null);
    integerStored.sort(null);
    return new LoadReport(missing, unexpected, mismatched, nonFinite, integerStored);
  }

  /**
   * Renames keys of an older checkpoint layout before loading (mmengine's {@code
   * _load_from_state_dict} hooks); identity unless a module knows older names.
   */
  protected Map<String, TensorData> upgradeStateDict(Map<String, TensorData> sd) {
    return sd;
  }

  private static boolean mismatchedKey(List<String> mismatched, String key) {
    return mismatched.stream().anyMatch(m -> m.startsWith(key + ":"));
  }

  /** Frees every parameter and buffer of the tree (tied ones once). */
  @Override
  public void close() {
    Set<Parameter> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Parameter p : namedParameters().values()) {
      if (seen.add(p)) {
        p.close();
      }
    }
  }
}
