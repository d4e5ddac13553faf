package dev.detkit.heads;

import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.ComponentConfig;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;
import dev.detkit.heads.assign.ATSSAssigner;
import dev.detkit.heads.assign.Assigner;
import dev.detkit.heads.assign.MaxIoUAssigner;
import dev.detkit.heads.assign.PseudoSampler;
import dev.detkit.heads.assign.Sampler;
import dev.detkit.heads.losses.ClassificationLoss;
import dev.detkit.heads.losses.CrossEntropyLoss;
import dev.detkit.heads.losses.DistributionFocalLoss;
import dev.detkit.heads.losses.FocalLoss;
import dev.detkit.heads.losses.GIoULoss;
import dev.detkit.heads.losses.HuberLoss;
import dev.detkit.heads.losses.IoULoss;
import dev.detkit.heads.losses.L1Loss;
import dev.detkit.heads.losses.QualityFocalLoss;
import dev.detkit.heads.losses.RegressionLoss;

/** Registers anchor generators, box coders, assigners, samplers, losses and the RetinaNet heads. */
public final class HeadsModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    registerTrainingParts();
    registerDenseHeads();
    register(
        ComponentSpec.of(
            ComponentKind.PRIOR_GENERATOR,
            "AnchorGenerator",
            AnchorGenerator.Args.class,
            PriorGenerator.class,
            (a, ctx) -> new AnchorGenerator(a),
            "mmdet's anchors: octave scales x ratios (h/w) per stride"));
    register(
        ComponentSpec.of(
            ComponentKind.PRIOR_GENERATOR,
            "MlvlPointGenerator",
            MlvlPointGenerator.Args.class,
            PriorGenerator.class,
            (a, ctx) -> new MlvlPointGenerator(a),
            "mmdet's points: one per cell at (x + offset, y + offset) * stride"));
    register(
        ComponentSpec.of(
            ComponentKind.BBOX_CODER,
            "DistancePointBBoxCoder",
            DistancePointBBoxCoder.Args.class,
            BBoxCoder.class,
            (a, ctx) -> new DistancePointBBoxCoder(a),
            "distances (l, t, r, b) from a point to the box sides, clipped to the image"));
    register(
        ComponentSpec.of(
            ComponentKind.BBOX_CODER,
            "DeltaXYWHBBoxCoder",
            DeltaXYWHBBoxCoder.Args.class,
            BBoxCoder.class,
            (a, ctx) -> new DeltaXYWHBBoxCoder(a),
            "(dx, dy, dw, dh) deltas with wh-ratio clamp and border clip"));
    register(
        ComponentSpec.of(
            ComponentKind.HEAD,
            "RetinaHead",
            RetinaHeadArgs.class,
            DenseHead.class,
            (a, ctx) ->
                new RetinaHead(a, ctx.backend(), anchors(a, ctx), coder(a, ctx), training(a, ctx)),
            "RetinaNet head: conv towers shared by all levels"));
    register(
        ComponentSpec.of(
            ComponentKind.HEAD,
            "RetinaSepBNHead",
            RetinaHeadArgs.class,
            DenseHead.class,
            (a, ctx) ->
                new RetinaSepBNHead(
                    a, ctx.backend(), anchors(a, ctx), coder(a, ctx), training(a, ctx)),
            "RetinaNet head with conv weights shared across levels and BN per level"));
    register(
        ComponentSpec.of(
            ComponentKind.HEAD,
            "EfficientDetSepBNHead",
            EfficientDetHeadArgs.class,
            DenseHead.class,
            (a, ctx) ->
                new EfficientDetSepBNHead(
                    a, ctx.backend(), anchors(a, ctx), coder(a, ctx), training(a, ctx)),
            "EfficientDet head: separable convs shared across levels, BN per level, Swish"));
  }

  private void registerDenseHeads() {
    register(
        ComponentSpec.of(
            ComponentKind.HEAD,
            "FCOSHead",
            FCOSHeadArgs.class,
            DenseHead.class,
            (a, ctx) ->
                new FCOSHead(
                    a,
                    ctx.backend(),
                    ctx.build(a.bboxCoder(), BBoxCoder.class),
                    ctx.build(a.lossCls(), ClassificationLoss.class),
                    ctx.build(a.lossBbox(), RegressionLoss.class),
                    ctx.build(a.lossCenterness(), RegressionLoss.class)),
            "FCOS: anchor-free, per-point distances, centerness, regress ranges"));
    register(
        ComponentSpec.of(
            ComponentKind.HEAD,
            "ATSSHead",
            ATSSHeadArgs.class,
            DenseHead.class,
            (a, ctx) ->
                new ATSSHead(
                    a,
                    ctx.backend(),
                    ctx.build(a.anchorGenerator(), PriorGenerator.class),
                    ctx.build(a.bboxCoder(), BBoxCoder.class),
                    training(a.lossCls(), a.lossBbox(), a.trainCfg(), ctx),
                    ctx.build(a.lossCenterness(), RegressionLoss.class)),
            "ATSS: adaptive training sample selection, centerness, GIoU on decoded boxes"));
    register(
        ComponentSpec.of(
            ComponentKind.HEAD,
            "GFLHead",
            GFLHeadArgs.class,
            DenseHead.class,
            (a, ctx) ->
                new GFLHead(
                    a,
                    ctx.backend(),
                    ctx.build(a.anchorGenerator(), PriorGenerator.class),
                    ctx.build(a.bboxCoder(), BBoxCoder.class),
                    new HeadTraining(
                        null,
                        ctx.build(a.lossBbox(), RegressionLoss.class),
                        a.trainCfg() == null
                            ? null
                            : ctx.build(a.trainCfg().assigner(), Assigner.class),
                        a.trainCfg() == null
                            ? null
                            : ctx.build(a.trainCfg().sampler(), Sampler.class),
                        a.trainCfg()),
                    ctx.build(a.lossCls(), QualityFocalLoss.class),
                    ctx.build(a.lossDfl(), RegressionLoss.class)),
            "GFL: quality focal loss, distribution (integral) box regression, ATSS assignment"));
  }

  private void registerLosses() {
    register(
        ComponentSpec.of(
            ComponentKind.LOSS,
            "IoULoss",
            IoULoss.Args.class,
            IoULoss.class,
            (a, ctx) -> new IoULoss(a),
            "-log(IoU) (or 1 - IoU) of aligned box pairs"));
    register(
        ComponentSpec.of(
            ComponentKind.LOSS,
            "GIoULoss",
            GIoULoss.Args.class,
            GIoULoss.class,
            (a, ctx) -> new GIoULoss(a),
            "1 - generalised IoU of aligned box pairs"));
    register(
        ComponentSpec.of(
            ComponentKind.LOSS,
            "CrossEntropyLoss",
            CrossEntropyLoss.Args.class,
            CrossEntropyLoss.class,
            (a, ctx) -> new CrossEntropyLoss(a),
            "binary cross entropy with logits (use_sigmoid) against same-shape targets"));
    register(
        ComponentSpec.of(
            ComponentKind.LOSS,
            "QualityFocalLoss",
            QualityFocalLoss.Args.class,
            QualityFocalLoss.class,
            (a, ctx) -> new QualityFocalLoss(a),
            "GFL's focal loss against a soft quality (IoU) target at the gt class"));
    register(
        ComponentSpec.of(
            ComponentKind.LOSS,
            "DistributionFocalLoss",
            DistributionFocalLoss.Args.class,
            DistributionFocalLoss.class,
            (a, ctx) -> new DistributionFocalLoss(a),
            "GFL's cross entropy of a distance distribution at the two bins around the target"));
  }

  private void registerTrainingParts() {
    registerLosses();
    register(
        ComponentSpec.of(
            ComponentKind.ASSIGNER,
            "MaxIoUAssigner",
            MaxIoUAssigner.Args.class,
            MaxIoUAssigner.class,
            (a, ctx) -> new MaxIoUAssigner(a),
            "positives by IoU threshold, plus each gt's best priors (low-quality matches)"));
    register(
        ComponentSpec.of(
            ComponentKind.ASSIGNER,
            "ATSSAssigner",
            ATSSAssigner.Args.class,
            ATSSAssigner.class,
            (a, ctx) -> new ATSSAssigner(a),
            "adaptive: per-level nearest candidates, IoU above mean + std, centre inside the gt"));
    register(
        ComponentSpec.of(
            ComponentKind.SAMPLER,
            "PseudoSampler",
            PseudoSampler.Args.class,
            PseudoSampler.class,
            (a, ctx) -> new PseudoSampler(),
            "all positives and negatives (for focal loss)"));
    register(
        ComponentSpec.of(
            ComponentKind.LOSS,
            "FocalLoss",
            FocalLoss.Args.class,
            FocalLoss.class,
            (a, ctx) -> new FocalLoss(a),
            "sigmoid focal loss over one-hot labels"));
    register(
        ComponentSpec.of(
            ComponentKind.LOSS,
            "L1Loss",
            L1Loss.Args.class,
            L1Loss.class,
            (a, ctx) -> new L1Loss(a),
            "absolute error, weighted and averaged"));
    register(
        ComponentSpec.of(
            ComponentKind.LOSS,
            "HuberLoss",
            HuberLoss.Args.class,
            HuberLoss.class,
            (a, ctx) -> new HuberLoss(a),
            "TF/Keras Huber: 0.5 d^2 below beta, beta d - 0.5 beta^2 above (EfficientDet)"));
  }

  private static HeadTraining training(AnchorHeadParts a, BuildContext ctx) {
    return training(a.lossCls(), a.lossBbox(), a.trainCfg(), ctx);
  }

  private static HeadTraining training(
      ComponentConfig lossCls, ComponentConfig lossBbox, TrainCfg t, BuildContext ctx) {
    ClassificationLoss cls = ctx.build(lossCls, ClassificationLoss.class);
    RegressionLoss reg = ctx.build(lossBbox, RegressionLoss.class);
    if (t == null) {
      return new HeadTraining(cls, reg, null, null, null);
    }
    return new HeadTraining(
        cls,
        reg,
        ctx.build(t.assigner(), Assigner.class),
        ctx.build(t.sampler(), Sampler.class),
        t);
  }

  private static PriorGenerator anchors(AnchorHeadParts a, BuildContext ctx) {
    PriorGenerator g = ctx.build(a.anchorGenerator(), PriorGenerator.class);
    HeadInputs.check(
        java.util.stream.IntStream.range(0, g.numLevels()).mapToObj(g::stride).toList(),
        a.inChannels(),
        ctx.inputs());
    if (a.numIns() != null && ctx.inputs() != null && a.numIns() != ctx.inputs().size()) {
      throw new IllegalArgumentException(
          "num_ins " + a.numIns() + " differs from the " + ctx.inputs().size() + " input levels");
    }
    return g;
  }

  private static BBoxCoder coder(AnchorHeadParts a, BuildContext ctx) {
    return ctx.build(a.bboxCoder(), BBoxCoder.class);
  }
}
