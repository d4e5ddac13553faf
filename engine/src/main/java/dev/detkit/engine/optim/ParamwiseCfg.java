package dev.detkit.engine.optim;

import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.NormLayer;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.registry.Default;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * mmengine's {@code paramwise_cfg} (DefaultOptimWrapperConstructor): {@code norm_decay_mult} for
 * normalisation layers' weights and biases, {@code bias_lr_mult}/{@code bias_decay_mult} for other
 * biases, {@code custom_keys} ({@code name substring -> {lr_mult, decay_mult}}, the longest
 * matching key wins), and {@code bypass_duplicate} for parameters shared between modules (the
 * RetinaSepBNHead's convs): with a paramwise_cfg but without it a shared parameter is an error, as
 * torch's optimizer raises it; without any paramwise_cfg it is listed once ({@link #none}).
 *
 * @param normDecayMult weight decay multiplier of the normalisation layers' weights and biases
 *     (e.g. 0 for no decay on BN/GN); null for 1
 * @param biasDecayMult weight decay multiplier of the other layers' biases; null for 1
 * @param biasLrMult learning rate multiplier of the other layers' biases; null for 1
 * @param bypassDuplicate whether to skip a parameter shared between modules after its first use
 *     (false: a shared parameter is an error)
 * @param customKeys multipliers by parameter name: a name substring to {lr_mult, decay_mult}; the
 *     longest matching key wins over the norm and bias rules
 */
public record ParamwiseCfg(
    @Default("null") Double normDecayMult,
    @Default("null") Double biasDecayMult,
    @Default("null") Double biasLrMult,
    @Default("false") boolean bypassDuplicate,
    @Default("null") Map<String, Map<String, Double>> customKeys) {

  /**
   * No {@code paramwise_cfg}: mmengine then hands the optimizer {@code model.parameters()}, which
   * lists a shared parameter once, so duplicates are skipped, not refused.
   */
  public static ParamwiseCfg none() {
    return new ParamwiseCfg(null, null, null, true, null);
  }

  /** An empty {@code paramwise_cfg} ({@code {}}), which mmengine treats as none. */
  public boolean isEmpty() {
    return normDecayMult == null
        && biasDecayMult == null
        && biasLrMult == null
        && !bypassDuplicate
        && customKeys == null;
  }

  /** The trainable parameters of {@code model}, each once, with their multipliers. */
  public List<ParamGroup> groups(Module model) {
    Set<Parameter> norm = Collections.newSetFromMap(new IdentityHashMap<>());
    model.apply(
        m -> {
          if (m instanceof NormLayer n) {
            norm.add(n.weight());
            norm.add(n.bias());
          }
        });
    Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<ParamGroup> out = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      Parameter p = e.getValue();
      if (!p.isTrainable()) {
        continue;
      }
      if (!seen.add(p)) {
        if (!bypassDuplicate) {
          throw new IllegalArgumentException(
              "parameter "
                  + e.getKey()
                  + " is shared with another module; set optim_wrapper.paramwise_cfg.bypass_duplicate=True");
        }
        continue;
      }
      out.add(group(e.getKey(), p, norm.contains(p)));
    }
    return out;
  }

  private ParamGroup group(String name, Parameter p, boolean isNorm) {
    double lr = 1.0;
    double decay = 1.0;
    String key = customKey(name);
    if (key != null) {
      Map<String, Double> m = customKeys.get(key);
      lr = m.getOrDefault("lr_mult", 1.0);
      decay = m.getOrDefault("decay_mult", 1.0);
      return new ParamGroup(name, p, lr, decay);
    }
    boolean bias = name.endsWith(".bias") || name.equals("bias");
    if (isNorm && normDecayMult != null) {
      decay = normDecayMult;
    } else if (bias && !isNorm) {
      if (biasDecayMult != null) {
        decay = biasDecayMult;
      }
      if (biasLrMult != null) {
        lr = biasLrMult;
      }
    }
    return new ParamGroup(name, p, lr, decay);
  }

  private String customKey(String name) {
    if (customKeys == null) {
      return null;
    }
    String best = null;
    for (String k : customKeys.keySet()) {
      if (name.contains(k) && (best == null || k.length() > best.length())) {
        best = k;
      }
    }
    return best;
  }
}
