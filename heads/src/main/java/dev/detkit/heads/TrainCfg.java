package dev.detkit.heads;

import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;

/**
 * A dense head's {@code train_cfg}: how anchors become targets. {@code allowed_border = -1} uses
 * the valid flags alone; {@code pos_weight <= 0} gives positives weight 1.
 */
public record TrainCfg(
    @Kind(ComponentKind.ASSIGNER) ComponentConfig assigner,
    @Kind(ComponentKind.SAMPLER) @Default("{type: PseudoSampler}") ComponentConfig sampler,
    @Default("-1") double allowedBorder,
    @Default("-1") double posWeight,
    @Default("false") boolean debug) {
  public TrainCfg {
    if (allowedBorder >= 0) {
      throw new IllegalArgumentException(
          "allowed_border >= 0 is not supported (use -1: anchors count by their valid flags)");
    }
  }
}
