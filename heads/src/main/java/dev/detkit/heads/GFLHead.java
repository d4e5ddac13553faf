package dev.detkit.heads;

import dev.detkit.api.nn.Conv2d;
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
import dev.detkit.heads.losses.AlignedOverlaps;
import dev.detkit.heads.losses.QualityFocalLoss;
import dev.detkit.heads.losses.RegressionLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * mmdet's {@code GFLHead} (generalized focal loss): GN towers, {@code gfl_cls} and {@code gfl_reg}
 * ({@code 4 * (reg_max + 1)} distribution logits per position, times a per-level {@code Scale});
 * boxes are the {@link Integral} of the distributions around the anchor centre, in stride units.
 * ATSS assignment; quality focal loss against the IoU of the predicted box, GIoU and distribution
 * focal losses weighted by the best class score, all per level.
 */
public final class GFLHead extends Module implements DenseHead {

  @Component(
      kind = ComponentKind.HEAD,
      name = "GFLHead",
      summary = "GFL: quality focal loss, distribution (integral) box regression, ATSS assignment")
  public static GFLHead build(GFLHeadArgs a, BuildContext ctx) {
    return new GFLHead(
        a,
        ctx.backend(),
        ctx.build(a.anchorGenerator(), PriorGenerator.class),
        ctx.build(a.bboxCoder(), BBoxCoder.class),
        HeadTraining.build(null, a.lossBbox(), a.trainCfg(), ctx),
        ctx.build(a.lossCls(), QualityFocalLoss.class),
        ctx.build(a.lossDfl(), RegressionLoss.class));
  }

  private final GFLHeadArgs args;
  private final PriorGenerator anchors;
  private final DistancePointBBoxCoder coder;
  private final HeadTraining training;
  private final QualityFocalLoss lossCls;
  private final RegressionLoss lossDfl;
  private final Sequential clsConvs;
  private final Sequential regConvs;
  private final Conv2d gflCls;
  private final Conv2d gflReg;
  private final List<Scale> scales = new ArrayList<>();
  private final Integral integral;

  public GFLHead(
      GFLHeadArgs a,
      Backend b,
      PriorGenerator anchors,
      BBoxCoder coder,
      HeadTraining training,
      QualityFocalLoss lossCls,
      RegressionLoss lossDfl) {
    if (anchors.priorSize() != 4 || anchors.numBasePriors() != 1) {
      throw new IllegalArgumentException(
          "GFLHead needs an anchor generator with one anchor per cell");
    }
    if (!(coder instanceof DistancePointBBoxCoder d)) {
      throw new IllegalArgumentException("GFLHead's bbox_coder must be DistancePointBBoxCoder");
    }
    this.args = a;
    this.anchors = anchors;
    this.coder = d;
    this.training = training;
    this.lossCls = lossCls;
    this.lossDfl = lossDfl;
    Random rnd = new Random(0);
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
    gflCls = register("gfl_cls", FCOSHead.predictor(b, rnd, feat, a.numClasses()));
    gflReg = register("gfl_reg", FCOSHead.predictor(b, rnd, feat, 4 * (a.regMax() + 1)));
    gflCls.bias().set(b.full(-Math.log((1 - 0.01) / 0.01), DType.FLOAT32, a.numClasses()));
    Sequential s = register("scales", new Sequential());
    for (int l = 0; l < anchors.numLevels(); l++) {
      Scale sc = new Scale(b, 1f);
      s.add(sc);
      scales.add(sc);
    }
    integral = register("integral", new Integral(b, a.regMax()));
  }

  @Override
  public HeadOutputs forward(List<Tensor> feats) {
    if (feats.size() != scales.size()) {
      throw new IllegalArgumentException(
          "GFLHead has " + scales.size() + " levels, got " + feats.size() + " feature maps");
    }
    List<Tensor> cls = new ArrayList<>();
    List<Tensor> reg = new ArrayList<>();
    for (int l = 0; l < feats.size(); l++) {
      try (TensorScope scope = TensorScope.open()) {
        Tensor x = feats.get(l);
        cls.add(scope.handOut(gflCls.forward(clsConvs.forward(x))));
        reg.add(scope.handOut(scales.get(l).forward(gflReg.forward(regConvs.forward(x)))));
      }
    }
    return HeadOutputs.of(cls, reg);
  }

  private HeadTraining requireTraining() {
    return HeadTraining.required(training);
  }

  /** mmdet's {@code get_targets} (as ATSS): per image, gt boxes as regression targets. */
  public List<AnchorHead.ImageTargets> targets(
      HeadOutputs out, List<GtInstances> gts, List<ImageMeta> metas) {
    return new AnchorTargets(args.numClasses(), coder, requireTraining(), true)
        .batch(anchors, AnchorHead.featSizes(out), gts, metas, out.clsScores().get(0).backend());
  }

  public List<float[]> priors(HeadOutputs out) {
    return anchors.gridPriors(out);
  }

  /** Anchor centres {@code ((x1 + x2) / 2, (y1 + y2) / 2)}, divided by {@code div}. */
  static float[] centres(float[] anchors, float div) {
    int n = anchors.length / 4;
    float[] c = new float[2 * n];
    for (int i = 0; i < n; i++) {
      c[2 * i] = (anchors[4 * i] + anchors[4 * i + 2]) / 2f / div;
      c[2 * i + 1] = (anchors[4 * i + 1] + anchors[4 * i + 3]) / 2f / div;
    }
    return c;
  }

  @Override
  public HeadLosses lossByFeat(HeadOutputs out, List<GtInstances> gts, List<ImageMeta> metas) {
    HeadTraining t = requireTraining();
    List<AnchorHead.ImageTargets> targets = targets(out, gts, metas);
    double avgFactor = targets.stream().mapToInt(AnchorHead.ImageTargets::avgFactor).sum();
    Backend b = out.clsScores().get(0).backend();
    List<float[]> priors = priors(out);
    int nc = args.numClasses();
    int bins = args.regMax() + 1;
    int nb = gts.size();
    List<Tensor> lossClsL = new ArrayList<>();
    List<Tensor> lossBbox = new ArrayList<>();
    List<Tensor> lossDflL = new ArrayList<>();
    double weightSum = 0;
    int start = 0;
    for (int l = 0; l < out.numLevels(); l++) {
      LevelRows rows = LevelRows.of(targets, start, priors.get(l), nb);
      start += rows.n();
      float stride = anchors.stride(l);
      Tensor cls = out.clsScores().get(l).permute(0, 2, 3, 1).reshape(-1, nc);
      Tensor reg = out.bboxPreds().get(l).permute(0, 2, 3, 1).reshape(-1, 4 * bins);
      int rowsN = rows.labels().length;
      int np = rows.pos().length;
      Tensor score;
      if (np > 0) {
        Tensor idx = b.fromLongs(rows.posLongs(), np);
        Tensor posReg = reg.indexSelect(0, idx);
        Tensor centres = b.fromFloats(centres(rows.posAnchors(), stride), np, 2);
        Tensor weight = cls.detach().sigmoid().max(1).indexSelect(0, idx);
        Tensor pred = coder.decode(centres, integral.forward(posReg), null);
        float[] tgt = rows.posTargets().clone();
        for (int k = 0; k < tgt.length; k++) {
          tgt[k] = tgt[k] / stride;
        }
        Tensor target = b.fromFloats(tgt, np, 4);
        float[] iou = AlignedOverlaps.iou(pred.detach(), target, 1e-6).toFloatArray();
        float[] s = new float[rowsN];
        for (int k = 0; k < np; k++) {
          s[rows.pos()[k]] = iou[k];
        }
        score = b.fromFloats(s, rowsN);
        Tensor corners = posReg.reshape(-1, bins);
        Tensor cornerTargets = coder.encode(centres, target, args.regMax(), 0.1).reshape(-1);
        lossBbox.add(t.lossBbox().forward(pred, target, weight, 1.0));
        Tensor w4 = weight.reshape(-1, 1).broadcastTo(np, 4).reshape(-1);
        lossDflL.add(lossDfl.forward(corners, cornerTargets, w4, 4.0));
        weightSum += weight.sum().item();
      } else {
        score = b.zeros(DType.FLOAT32, rowsN);
        lossBbox.add(reg.sum().mul(0));
        lossDflL.add(reg.sum().mul(0));
      }
      lossClsL.add(
          lossCls.forward(
              cls,
              b.fromLongs(rows.labels(), rowsN),
              score,
              b.fromFloats(rows.labelWeights(), rowsN),
              avgFactor));
    }
    float avg = (float) Math.max((float) weightSum, 1.0);
    List<Tensor> bbox = new ArrayList<>();
    List<Tensor> dfl = new ArrayList<>();
    for (int l = 0; l < lossBbox.size(); l++) {
      bbox.add(lossBbox.get(l).div(avg));
      dfl.add(lossDflL.get(l).div(avg));
    }
    Map<String, List<Tensor>> terms = new LinkedHashMap<>();
    terms.put("loss_cls", lossClsL);
    terms.put("loss_bbox", bbox);
    terms.put("loss_dfl", dfl);
    return new HeadLosses(terms);
  }

  @Override
  public List<Detections> predictByFeat(HeadOutputs out, List<ImageMeta> metas) {
    if (args.testCfg() == null) {
      throw new IllegalStateException("the head has no test_cfg");
    }
    List<float[]> priors = priors(out);
    List<float[]> centres = new ArrayList<>();
    for (float[] p : priors) {
      centres.add(centres(p, 1f));
    }
    DensePostProcessor post = new DensePostProcessor(coder, args.testCfg());
    List<Detections> result = new ArrayList<>();
    for (int i = 0; i < metas.size(); i++) {
      try (TensorScope scope = TensorScope.open()) {
        List<Tensor> dist = new ArrayList<>();
        for (int l = 0; l < out.numLevels(); l++) {
          Tensor r = out.bboxPreds().get(l).slice(0, i, i + 1).squeeze(0);
          int h = r.dim(1);
          int w = r.dim(2);
          // Distances in pixels, [4, H, W] as the post-processor reads regression maps.
          Tensor d = integral.forward(r.permute(1, 2, 0).reshape(h * w, -1)).mul(anchors.stride(l));
          dist.add(d.reshape(h, w, 4).permute(2, 0, 1));
        }
        result.add(
            post.predict(
                FCOSHead.image(out.clsScores(), i),
                dist,
                null,
                centres,
                args.numClasses(),
                metas.get(i)));
      }
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
