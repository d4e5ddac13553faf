package dev.detkit.api.registry;

import dev.detkit.api.tensor.Backend;
import java.util.Map;

/**
 * What a component factory may use besides its arguments: the registry (to build nested components
 * it received as {@link ComponentConfig}) and the backend its tensors live on.
 */
public record BuildContext(Registry registry, Backend backend) {

  /** Builds a nested component. */
  public <T> T build(ComponentConfig config, Class<T> type) {
    return registry.build(config, type, this, Map.of());
  }

  /**
   * Builds a nested component; {@code defaults} fill keys the config does not set (mmengine's
   * {@code default_args}), for example a neck's {@code in_channels} taken from the backbone.
   */
  public <T> T build(ComponentConfig config, Class<T> type, Map<String, Object> defaults) {
    return registry.build(config, type, this, defaults);
  }
}
