package dev.detkit.necks;

import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.model.Neck;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.necks.bifpn.BiFPN;

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
            (a, ctx) -> {
              checkInChannels(a.inChannels(), ctx.inputs());
              return new FPN(
                  a,
                  ctx.backend(),
                  ctx.inputs() == null
                      ? null
                      : ctx.inputs().stream().map(FeatureInfo::stride).toList());
            },
            "feature pyramid: lateral 1x1, top-down nearest upsampling, 3x3 outputs, extra levels"));
    register(
        ComponentSpec.of(
            ComponentKind.NECK,
            "PAFPN",
            FPN.Args.class,
            Neck.class,
            (a, ctx) -> {
              checkInChannels(a.inChannels(), ctx.inputs());
              return new PAFPN(a, ctx.backend(), strides(ctx.inputs()));
            },
            "FPN plus a bottom-up path: stride-2 3x3 convs added level by level, 3x3 outputs"));
    register(
        ComponentSpec.of(
            ComponentKind.NECK,
            "ChannelMapper",
            ChannelMapper.Args.class,
            Neck.class,
            (a, ctx) -> {
              checkInChannels(a.inChannels(), ctx.inputs());
              return new ChannelMapper(a, ctx.backend(), strides(ctx.inputs()));
            },
            "one conv per level to a common channel count, optional stride-2 extra levels"));
    register(
        ComponentSpec.of(
            ComponentKind.NECK,
            "BiFPN",
            BiFPN.Args.class,
            Neck.class,
            (a, ctx) -> {
              checkInChannels(a.inChannels(), ctx.inputs());
              return new BiFPN(a, ctx.backend(), strides(ctx.inputs()));
            },
            "EfficientDet's weighted bidirectional pyramid (mmdet's projects/EfficientDet)"));
  }

  private static java.util.List<Integer> strides(java.util.List<FeatureInfo> inputs) {
    return inputs == null ? null : inputs.stream().map(FeatureInfo::stride).toList();
  }

  /**
   * A neck's {@code in_channels} against the backbone's reported levels, at build time (null
   * inputs: a neck built on its own checks nothing).
   */
  static void checkInChannels(java.util.List<Integer> inChannels, java.util.List<FeatureInfo> in) {
    if (in == null) {
      return;
    }
    java.util.List<Integer> given = in.stream().map(FeatureInfo::channels).toList();
    if (!given.equals(inChannels)) {
      throw new IllegalArgumentException(
          "in_channels "
              + inChannels
              + " do not match the backbone's output channels "
              + given
              + " (omit in_channels to take the backbone's)");
    }
  }
}
