package dev.detkit.api.nn;

import dev.detkit.api.registry.Default;
import java.util.Set;

/**
 * mmcv's {@code norm_cfg}: BN and SyncBN (one device: the same computation). As in mmcv's {@code
 * build_norm_layer}, eps is 1e-5 and momentum 0.1 unless the config gives them.
 */
public record NormCfg(
    String type,
    @Default("1e-5") double eps,
    @Default("0.1") double momentum,
    @Default("true") boolean requiresGrad) {
  private static final Set<String> TYPES = Set.of("BN", "BN2d", "SyncBN");

  public NormCfg {
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "norm_cfg.type '" + type + "' is not supported (use one of " + TYPES + ")");
    }
  }

  /** {@code dict(type='BN')}. */
  public static NormCfg bn() {
    return new NormCfg("BN", 1e-5, 0.1, true);
  }
}
