package org.example.detkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.detkit.api.backend.Backends;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.ConfigLoader;
import dev.detkit.api.config.ResolvedConfig;
import dev.detkit.api.model.Backbone;
import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.DetkitInjector;
import dev.detkit.api.registry.Registry;
import dev.detkit.api.runtime.RuntimeOptions;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plugin's backbone is found through ServiceLoader and built from YAML; detkit is unchanged.
 */
class PluginBackboneTest {
  // What an embedding application does: one injector of every module on the class path.
  final Injector injector = DetkitInjector.create(RuntimeOptions.defaults());
  final Registry registry = injector.getInstance(Registry.class);

  @Test
  void registryFindsThePluginBackbone() {
    assertTrue(registry.names(ComponentKind.BACKBONE).contains("TinyBackbone"));
  }

  @Test
  void yamlConfigBuildsAndRunsIt() {
    ResolvedConfig cfg = new ConfigLoader().load(Path.of("src/test/resources/tiny_retinanet.yaml"));
    BuildContext ctx = new BuildContext(registry, injector.getInstance(Backends.class).get("djl"));
    Backbone backbone =
        registry.build(
            ComponentKind.BACKBONE,
            cfg.map("model.backbone"),
            "model.backbone",
            Backbone.class,
            ctx);
    assertEquals(
        List.of(new FeatureInfo(4, 2), new FeatureInfo(8, 4), new FeatureInfo(16, 8)),
        backbone.featureInfo());
    try (TensorScope scope = TensorScope.open()) {
      List<Tensor> outs = backbone.forward(ctx.backend().ones(DType.FLOAT32, 1, 3, 32, 32));
      for (int i = 0; i < outs.size(); i++) {
        FeatureInfo fi = backbone.featureInfo().get(i);
        assertEquals(fi.channels(), outs.get(i).dim(1));
        assertEquals(32 / fi.stride(), outs.get(i).dim(2));
      }
    }
  }

  @Test
  void pluginArgumentsAreCheckedLikeDetkitsOwn() {
    ResolvedConfig cfg =
        new ConfigLoader()
            .load(
                Path.of("src/test/resources/tiny_retinanet.yaml"),
                List.of("model.backbone.chanels=[1]"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                registry.build(
                    ComponentKind.BACKBONE,
                    cfg.map("model.backbone"),
                    "model.backbone",
                    Backbone.class,
                    new BuildContext(registry, injector.getInstance(Backends.class).get("djl"))));
    assertTrue(
        e.getMessage()
            .contains("unknown argument 'chanels' for TinyBackbone; did you mean 'channels'?"),
        e.getMessage());
  }
}
