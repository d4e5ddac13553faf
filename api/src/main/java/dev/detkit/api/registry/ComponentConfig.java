package dev.detkit.api.registry;

import dev.detkit.api.config.CfgMap;

/**
 * A nested component's config, checked but not yet built: the owner builds it with whatever context
 * it has (a neck learns its input channels from the backbone, for example).
 *
 * @param kind the registry kind to build from
 * @param config the {@code type} map
 * @param path the dotted config path, for error messages
 */
public record ComponentConfig(ComponentKind kind, CfgMap config, String path) {

  /** The {@code type} name as written. */
  public String type() {
    return config.string("type").orElse("");
  }
}
