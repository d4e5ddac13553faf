package dev.detkit.heads;

import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.Sequential;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.structures.Detections;
import dev.detkit.api.structures.GtInstances;
import dev.detkit.api.structures.ImageMeta;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import dev.detkit.heads.losses.RegressionLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * mmdet's {@code ATSSHead}: GN towers, {@code atss_cls}, {@code atss_reg} (raw deltas times a
 * per-level {@code Scale}) and {@code atss_centerness} on the regression tower; ATSS assignment on
 * valid anchors, GIoU on decoded boxes weighted by the centerness target, all per level.
 */
public final class ATSSHead extends Module implements DenseHead {

  @Component(
      kind = ComponentKind.HEAD,
      name = "ATSSHead",
      summary = "ATSS: adaptive training sample selection, centerness, GIoU on decoded boxes")
  public static ATSSHead build(ATSSHeadArgs a, BuildContext ctx) {
    return new ATSSHead(
        a,
        ctx.backend(),
        ctx.build(a.anchorGenerator(), PriorGenerator.class),
        ctx.build(a.bboxCoder(), BBoxCoder.class),
        HeadTraining.build(a.lossCls(), a.lossBbox(), a.trainCfg(), ctx),
        ctx.build(a.lossCenterness(), RegressionLoss.class));
  }

  private final ATSSHeadArgs args;
  private final PriorGenerator anchors;
  private final BBoxCoder coder;
  private final HeadTraining training;
  private final RegressionLoss lossCenterness;
  private final Sequential clsConvs;
  private final Sequential regConvs;
  private final dev.detkit.api.nn.Conv2d atssCls;
  private final dev.detkit.api.nn.Conv2d atssReg;
  private final dev.detkit.api.nn.Conv2d atssCenterness;
  private final List<Scale> scales = new ArrayList<>();

  public ATSSHead(
      ATSSHeadArgs a,
      Backend b,
      PriorGenerator anchors,
      BBoxCoder coder,
      HeadTraining training,
      RegressionLoss lossCenterness) {
    if (anchors.priorSize() != 4) {
      throw new IllegalArgumentException("ATSSHead needs an anchor generator (boxes), not points");
    }
    this.args = a;
    this.anchors = anchors;
    this.coder = coder;
    this.training = training;
    this.lossCenterness = lossCenterness;
    Random rnd = new Random(0);
    int na = anchors.numBasePriors();
    // bias='auto': tower convs have a bias only without a norm.
    boolean bias = a.normCfg() == null;
    clsConvs =
        register(
            "cls_convs",
            FCOSHead.tower(
                b, rnd, a.stackedConvs(), a.inChannels(), a.featChannels(), a.normCfg(), bias));
    regConvs =
        register(
            "reg_convs",
            FCOSHead.tower(
                b, rnd, a.stackedConvs(), a.inChannels(), a.featChannels(), a.normCfg(), bias));
    int feat = a.stackedConvs() > 0 ? a.featChannels() : a.inChannels();
    atssCls = register("atss_cls", FCOSHead.predictor(b, rnd, feat, na * a.numClasses()));
    atssReg = register("atss_reg", FCOSHead.predictor(b, rnd, feat, na * 4));
    atssCenterness = register("atss_centerness", FCOSHead.predictor(b, rnd, feat, na));
    atssCls.bias().set(b.full(-Math.log((1 - 0.01) / 0.01), DType.FLOAT32, na * a.numClasses()));
    Sequential s = register("scales", new Sequential());
    for (int l = 0; l < anchors.numLevels(); l++) {
      Scale sc = new Scale(b, 1f);
      s.add(sc);
      scales.add(sc);
    }
  }

  @Override
  public HeadOutputs forward(List<Tensor> feats) {
    if (feats.size() != scales.size()) {
      throw new IllegalArgumentException(
          "ATSSHead has " + scales.size() + " levels, got " + feats.size() + " feature maps");
    }
    List<Tensor> cls = new ArrayList<>();
    List<Tensor> reg = new ArrayList<>();
    List<Tensor> ctr = new ArrayList<>();
    for (int l = 0; l < feats.size(); l++) {
      try (TensorScope scope = TensorScope.open()) {
        Tensor x = feats.get(l);
        cls.add(scope.handOut(atssCls.forward(clsConvs.forward(x))));
        Tensor regFeat = regConvs.forward(x);
        reg.add(scope.handOut(scales.get(l).forward(atssReg.forward(regFeat))));
        ctr.add(scope.handOut(atssCenterness.forward(regFeat)));
      }
    }
    Map<String, List<Tensor>> m = new LinkedHashMap<>();
    m.put(HeadOutputs.CLS_SCORES, cls);
    m.put(HeadOutputs.BBOX_PREDS, reg);
    m.put(HeadOutputs.CENTERNESSES, ctr);
    return new HeadOutputs(m);
  }

  private HeadTraining requireTraining() {
    return HeadTraining.required(training);
  }

  /** mmdet's {@code get_targets}: per image, over all levels' anchors (gt boxes as targets). */
  public List<AnchorHead.ImageTargets> targets(
      HeadOutputs out, List<GtInstances> gts, List<ImageMeta> metas) {
    return new AnchorTargets(args.numClasses(), coder, requireTraining(), true)
        .batch(anchors, AnchorHead.featSizes(out), gts, metas, out.clsScores().get(0).backend());
  }

  /** Anchors of every level for these outputs. */
  public List<float[]> priors(HeadOutputs out) {
    return anchors.gridPriors(out);
  }

  /**
   * Centerness target of anchor centres against gt boxes, {@code sqrt(min/max(l, r) * min/max(t,
   * b))} in float32.
   */
  static float centerness(float[] anchor, int a, float[] gt, int g) {
    float cx = (anchor[4 * a + 2] + anchor[4 * a]) / 2f;
    float cy = (anchor[4 * a + 3] + anchor[4 * a + 1]) / 2f;
    return FCOSHead.centerness(
        cx - gt[4 * g], cy - gt[4 * g + 1], gt[4 * g + 2] - cx, gt[4 * g + 3] - cy);
  }

  @Override
  public HeadLosses lossByFeat(HeadOutputs out, List<GtInstances> gts, List<ImageMeta> metas) {
    HeadTraining t = requireTraining();
    List<AnchorHead.ImageTargets> targets = targets(out, gts, metas);
    double avgFactor = targets.stream().mapToInt(AnchorHead.ImageTargets::avgFactor).sum();
    Backend b = out.clsScores().get(0).backend();
    List<float[]> priors = priors(out);
    int nc = args.numClasses();
    int nb = gts.size();
    List<Tensor> lossCls = new ArrayList<>();
    List<Tensor> lossBbox = new ArrayList<>();
    List<Tensor> lossCtr = new ArrayList<>();
    List<Double> ctrSums = new ArrayList<>();
    int start = 0;
    for (int l = 0; l < out.numLevels(); l++) {
      LevelRows rows = LevelRows.of(targets, start, priors.get(l), nb);
      start += rows.n();
      Tensor cls = out.clsScores().get(l).permute(0, 2, 3, 1).reshape(-1, nc);
      Tensor reg = out.bboxPreds().get(l).permute(0, 2, 3, 1).reshape(-1, 4);
      Tensor ctr = out.get(HeadOutputs.CENTERNESSES).get(l).permute(0, 2, 3, 1).reshape(-1);
      lossCls.add(
          t.lossCls()
              .forward(
                  cls,
                  b.fromLongs(rows.labels(), rows.labels().length),
                  b.fromFloats(rows.labelWeights(), rows.labelWeights().length),
                  avgFactor));
      int np = rows.pos().length;
      if (np > 0) {
        Tensor idx = b.fromLongs(rows.posLongs(), np);
        float[] ctrT = new float[np];
        double sum = 0;
        for (int k = 0; k < np; k++) {
          ctrT[k] = centerness(rows.posAnchors(), k, rows.posTargets(), k);
          sum += ctrT[k];
        }
        Tensor ctrTarget = b.fromFloats(ctrT, np);
        Tensor decoded =
            coder.decode(b.fromFloats(rows.posAnchors(), np, 4), reg.indexSelect(0, idx), null);
        lossBbox.add(
            t.lossBbox().forward(decoded, b.fromFloats(rows.posTargets(), np, 4), ctrTarget, 1.0));
        lossCtr.add(lossCenterness.forward(ctr.indexSelect(0, idx), ctrTarget, null, avgFactor));
        ctrSums.add((double) (float) sum);
      } else {
        lossBbox.add(reg.sum().mul(0));
        lossCtr.add(ctr.sum().mul(0));
        ctrSums.add(0.0);
      }
    }
    double bboxAvg = Math.max(ctrSums.stream().mapToDouble(Double::doubleValue).sum(), 1.0);
    List<Tensor> scaled = new ArrayList<>();
    for (Tensor x : lossBbox) {
      scaled.add(x.div((float) bboxAvg));
    }
    Map<String, List<Tensor>> terms = new LinkedHashMap<>();
    terms.put("loss_cls", lossCls);
    terms.put("loss_bbox", scaled);
    terms.put("loss_centerness", lossCtr);
    return new HeadLosses(terms);
  }

  @Override
  public List<Detections> predictByFeat(HeadOutputs out, List<ImageMeta> metas) {
    if (args.testCfg() == null) {
      throw new IllegalStateException("the head has no test_cfg");
    }
    List<float[]> priors = priors(out);
    DensePostProcessor post = new DensePostProcessor(coder, args.testCfg());
    List<Detections> result = new ArrayList<>();
    for (int i = 0; i < metas.size(); i++) {
      result.add(
          post.predict(
              FCOSHead.image(out.clsScores(), i),
              FCOSHead.image(out.bboxPreds(), i),
              FCOSHead.image(out.get(HeadOutputs.CENTERNESSES), i),
              priors,
              args.numClasses(),
              metas.get(i)));
    }
    return result;
  }

  @Override
  public int numClasses() {
    return args.numClasses();
  }

  @Override
  public PriorGenerator priorGenerator() {
    return anchors;
  }
}
