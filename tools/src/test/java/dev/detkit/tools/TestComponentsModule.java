package dev.detkit.tools;

import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.Default;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.api.registry.Kind;
import java.util.List;

/** Test-only components (scope "clitest") so the CLI's config errors can be exercised. */
public final class TestComponentsModule extends DetkitModule {
  record DetectorArgs(
      @Kind(ComponentKind.BACKBONE) ComponentConfig backbone,
      @Default("null") Object neck,
      @Default("null") Object bboxHead,
      @Default("null") Object dataPreprocessor,
      @Default("null") Object trainCfg,
      @Default("null") Object testCfg) {}

  record BackboneArgs(@Default("b0") String arch, @Default("[3, 4, 5]") List<Integer> outIndices) {}

  @Override
  protected void configureComponents() {
    register(
        new ComponentSpec<>(
            ComponentKind.DETECTOR,
            "clitest",
            "TestDetector",
            DetectorArgs.class,
            Object.class,
            (a, ctx) -> a,
            "test detector"));
    register(
        new ComponentSpec<>(
            ComponentKind.BACKBONE,
            "clitest",
            "TestBackbone",
            BackboneArgs.class,
            Object.class,
            (a, ctx) -> a,
            "test backbone"));
  }
}
