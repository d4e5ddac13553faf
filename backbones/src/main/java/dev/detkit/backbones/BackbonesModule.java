package dev.detkit.backbones;

import dev.detkit.api.model.Backbone;
import dev.detkit.api.nn.Pretrained;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;

/** Registers detkit's backbones: {@code EfficientNet} and {@code ResNet}. */
public final class BackbonesModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    register(
        ComponentSpec.of(
            ComponentKind.BACKBONE,
            "EfficientNet",
            EfficientNet.Args.class,
            Backbone.class,
            (args, ctx) -> {
              EfficientNet net = new EfficientNet(args, ctx.backend());
              Pretrained.apply(net, args.initCfg(), ctx.backend(), "EfficientNet");
              return net;
            },
            "EfficientNet b0..b8 and EdgeTPU es/em/el (mmdet's), TF-SAME padding"));
    register(
        ComponentSpec.of(
            ComponentKind.BACKBONE,
            "ResNet",
            ResNet.Args.class,
            Backbone.class,
            (args, ctx) -> {
              ResNet net = new ResNet(args, ctx.backend());
              Pretrained.apply(net, args.initCfg(), ctx.backend(), "ResNet");
              return net;
            },
            "ResNet 18/34/50/101/152 (mmdet's key names)"));
  }
}
