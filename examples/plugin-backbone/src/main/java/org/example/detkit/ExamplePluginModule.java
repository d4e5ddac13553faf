package org.example.detkit;

import dev.detkit.api.model.Backbone;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;

/** The plugin's Guice module: registers {@code example.TinyBackbone}. */
public final class ExamplePluginModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    register(
        new ComponentSpec<>(
            ComponentKind.BACKBONE,
            "example",
            "TinyBackbone",
            TinyBackbone.Args.class,
            Backbone.class,
            (args, ctx) -> new TinyBackbone(args, ctx.backend()),
            "stride-2 conv stages (an example plugin)"));
  }
}
