package dev.detkit.api.registry;

import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.Backend;
import java.util.List;
import java.util.Map;

/**
 * What a component factory may use besides its arguments: the registry (to build nested components
 * it received as {@link ComponentConfig}), the backend its tensors live on, the process's runtime
 * options (memory layout, batch-norm folding, progress, ...: never read from system properties
 * below the edge) and, for a component that consumes feature maps (a neck), what its inputs carry
 * (detectron2's input shape).
 *
 * @param inputs channels and strides of the feature maps the component will receive, or null
 */
public record BuildContext(
    Registry registry, Backend backend, List<FeatureInfo> inputs, RuntimeOptions options) {

  /** A context with {@code options} (what the edge read) and no inputs. */
  public BuildContext(Registry registry, Backend backend, RuntimeOptions options) {
    this(registry, backend, null, options);
  }

  /** A context with the default runtime options (tests, embedding). */
  public BuildContext(Registry registry, Backend backend) {
    this(registry, backend, null, RuntimeOptions.defaults());
  }

  /** The same context for a component fed by {@code features}. */
  public BuildContext withInputs(List<FeatureInfo> features) {
    return new BuildContext(registry, backend, List.copyOf(features), options);
  }

  /** The same context on another backend. */
  public BuildContext withBackend(Backend other) {
    return new BuildContext(registry, other, inputs, options);
  }

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
