package dev.detkit.necks;

import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.model.Neck;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;

/** Registers detkit's necks. */
public final class NecksModule extends DetkitModule {

  @Override
  protected void configureComponents() {
    register(
        ComponentSpec.of(
            ComponentKind.NECK,
            "FPN",
            FPN.Args.class,
            Neck.class,
            (a, ctx) ->
                new FPN(
                    a,
                    ctx.backend(),
                    ctx.inputs() == null
                        ? null
                        : ctx.inputs().stream().map(FeatureInfo::stride).toList()),
            "feature pyramid: lateral 1x1, top-down nearest upsampling, 3x3 outputs, extra levels"));
  }
}
