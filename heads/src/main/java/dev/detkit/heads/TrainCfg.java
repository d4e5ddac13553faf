package dev.detkit.heads;

import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.Kind;

/**
 * A dense head's {@code train_cfg}: how anchors become targets. {@code allowed_border = -1} uses
 * the valid flags alone; {@code pos_weight <= 0} gives positives weight 1.
 *
 * @param assigner config of the assigner that labels each prior positive, negative or ignored
 *     (MaxIoUAssigner, ATSSAssigner)
 * @param sampler config of the sampler of positives and negatives (PseudoSampler: all of them)
 * @param allowedBorder how far, in pixels, an anchor may cross the image border and still be used;
 *     only -1 (no border check, valid flags alone), detkit refuses 0 and positive values
 * @param posWeight classification weight of positive samples; zero or a negative value gives weight
 *     1
 * @param debug mmdet's debug switch; detkit ignores it
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
