package dev.detkit.heads;

import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;

/** Registers anchor generators, box coders and the RetinaNet heads. */
public final class HeadsModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    register(
        ComponentSpec.of(
            ComponentKind.PRIOR_GENERATOR,
            "AnchorGenerator",
            AnchorGenerator.Args.class,
            AnchorGenerator.class,
            (a, ctx) -> new AnchorGenerator(a),
            "mmdet's anchors: octave scales x ratios (h/w) per stride"));
    register(
        ComponentSpec.of(
            ComponentKind.BBOX_CODER,
            "DeltaXYWHBBoxCoder",
            DeltaXYWHBBoxCoder.Args.class,
            DeltaXYWHBBoxCoder.class,
            (a, ctx) -> new DeltaXYWHBBoxCoder(a),
            "(dx, dy, dw, dh) deltas with wh-ratio clamp and border clip"));
    register(
        ComponentSpec.of(
            ComponentKind.HEAD,
            "RetinaHead",
            RetinaHeadArgs.class,
            AnchorHead.class,
            (a, ctx) -> new RetinaHead(a, ctx.backend(), anchors(a, ctx), coder(a, ctx)),
            "RetinaNet head: conv towers shared by all levels"));
    register(
        ComponentSpec.of(
            ComponentKind.HEAD,
            "RetinaSepBNHead",
            RetinaHeadArgs.class,
            AnchorHead.class,
            (a, ctx) -> new RetinaSepBNHead(a, ctx.backend(), anchors(a, ctx), coder(a, ctx)),
            "RetinaNet head with conv weights shared across levels and BN per level"));
  }

  private static AnchorGenerator anchors(RetinaHeadArgs a, BuildContext ctx) {
    return ctx.build(a.anchorGenerator(), AnchorGenerator.class);
  }

  private static DeltaXYWHBBoxCoder coder(RetinaHeadArgs a, BuildContext ctx) {
    return ctx.build(a.bboxCoder(), DeltaXYWHBBoxCoder.class);
  }
}
