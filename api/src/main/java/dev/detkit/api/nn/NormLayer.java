package dev.detkit.api.nn;

/**
 * A normalisation layer with a per-channel affine {@code weight} and {@code bias} (BN or GN): what
 * mmengine's {@code norm_decay_mult} applies to.
 */
public interface NormLayer {
  Parameter weight();

  Parameter bias();
}
