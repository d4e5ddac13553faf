package dev.detkit.api.nn;

import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import java.util.Set;

/**
 * mmcv's {@code norm_cfg}: BN and SyncBN (one device: the same computation), and GN (group norm,
 * {@code num_groups} required, as mmdetection's from-scratch configs use it). As in mmcv's {@code
 * build_norm_layer}, eps is 1e-5 and momentum 0.1 unless the config gives them; momentum applies to
 * BN only.
 *
 * @param type norm layer type: BN, BN2d, SyncBN (the same computation on one device) or GN; detkit
 *     refuses other types
 * @param eps value added to the variance for numerical stability (mmcv: 1e-5; EfficientNet: 1e-3)
 * @param momentum weight of the current batch in BN's running mean and variance (PyTorch's
 *     convention, mmcv: 0.1); BN only
 * @param requiresGrad whether the norm layer's weight and bias are trained
 * @param numGroups number of channel groups of GN, required for GN (mmdet's configs: 32); detkit
 *     refuses it for the BN types
 */
public record NormCfg(
    String type,
    @Default("1e-5") double eps,
    @Default("0.1") double momentum,
    @Default("true") boolean requiresGrad,
    @Default("null") Integer numGroups) {
  private static final Set<String> BN_TYPES = Set.of("BN", "BN2d", "SyncBN");
  private static final Set<String> TYPES = Set.of("BN", "BN2d", "SyncBN", "GN");

  public NormCfg {
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "norm_cfg.type '" + type + "' is not supported (use one of " + TYPES + ")");
    }
    // (the fields are not assigned yet inside a compact constructor: test the parameter)
    boolean gn = "GN".equals(type);
    if (gn && (numGroups == null || numGroups < 1)) {
      throw new IllegalArgumentException("norm_cfg type GN needs num_groups >= 1");
    }
    if (!gn && numGroups != null) {
      throw new IllegalArgumentException("norm_cfg.num_groups applies to type GN, not " + type);
    }
  }

  /** BN with eps, momentum and requires_grad. */
  public NormCfg(String type, double eps, double momentum, boolean requiresGrad) {
    this(type, eps, momentum, requiresGrad, null);
  }

  /** {@code dict(type='BN')}. */
  public static NormCfg bn() {
    return new NormCfg("BN", 1e-5, 0.1, true);
  }

  /** Whether this is group norm (GN) rather than one of the batch norms. */
  public boolean isGroupNorm() {
    return "GN".equals(type);
  }

  /** Whether this is a batch norm (BN, BN2d, SyncBN). */
  public boolean isBatchNorm() {
    return BN_TYPES.contains(type);
  }

  /**
   * mmcv's {@code infer_abbr}: the norm layer's name in a ConvModule ({@code bn} or {@code gn}).
   */
  public String abbreviation() {
    return isGroupNorm() ? "gn" : "bn";
  }

  /** The norm layer this config describes, over {@code channels} channels. */
  public Layer build(Backend b, int channels) {
    return isGroupNorm() ? new GroupNorm(b, channels, this) : new BatchNorm2d(b, channels, this);
  }
}
