package dev.detkit.heads;

import dev.detkit.api.nn.Conv2d;
import dev.detkit.api.nn.ConvModule;
import dev.detkit.api.nn.Init;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.NormCfg;
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
import dev.detkit.heads.losses.ClassificationLoss;
import dev.detkit.heads.losses.RegressionLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * mmdet's {@code FCOSHead}: GN conv towers for classification and regression, per-level {@code
 * Scale} on the (l, t, r, b) regression ({@code exp}, or ReLU and, in eval mode, times the stride
 * with {@code norm_on_bbox}), a centerness branch on either tower; targets by regress range and
 * optional centre sampling; focal, IoU/GIoU and BCE centerness losses.
 */
public final class FCOSHead extends Module implements DenseHead {

  @Component(
      kind = ComponentKind.HEAD,
      name = "FCOSHead",
      summary = "FCOS: anchor-free, per-point distances, centerness, regress ranges")
  public static FCOSHead build(FCOSHeadArgs a, BuildContext ctx) {
    return new FCOSHead(
        a,
        ctx.backend(),
        ctx.build(a.bboxCoder(), BBoxCoder.class),
        ctx.build(a.lossCls(), ClassificationLoss.class),
        ctx.build(a.lossBbox(), RegressionLoss.class),
        ctx.build(a.lossCenterness(), RegressionLoss.class));
  }

  private final FCOSHeadArgs args;
  private final MlvlPointGenerator points;
  private final BBoxCoder coder;
  private final ClassificationLoss lossCls;
  private final RegressionLoss lossBbox;
  private final RegressionLoss lossCenterness;
  private final FcosTargets targets;
  private final Sequential clsConvs;
  private final Sequential regConvs;
  private final Conv2d convCls;
  private final Conv2d convReg;
  private final Conv2d convCenterness;
  private final List<Scale> scales = new ArrayList<>();

  public FCOSHead(
      FCOSHeadArgs a,
      Backend b,
      BBoxCoder coder,
      ClassificationLoss lossCls,
      RegressionLoss lossBbox,
      RegressionLoss lossCenterness) {
    this.args = a;
    this.points = new MlvlPointGenerator(new MlvlPointGenerator.Args(a.strides(), 0.5));
    this.coder = coder;
    this.lossCls = lossCls;
    this.lossBbox = lossBbox;
    this.lossCenterness = lossCenterness;
    this.targets =
        new FcosTargets(
            a.numClasses(), a.regressRanges(), a.centerSampling(), a.centerSampleRadius());
    Random rnd = new Random(0);
    clsConvs = register("cls_convs", tower(a, b, rnd));
    regConvs = register("reg_convs", tower(a, b, rnd));
    int feat = a.stackedConvs() > 0 ? a.featChannels() : a.inChannels();
    convCls = register("conv_cls", predictor(b, rnd, feat, a.numClasses()));
    convReg = register("conv_reg", predictor(b, rnd, feat, 4));
    convCenterness = register("conv_centerness", predictor(b, rnd, feat, 1));
    convCls.bias().set(b.full(-Math.log((1 - 0.01) / 0.01), DType.FLOAT32, a.numClasses()));
    Module scaleList = register("scales", new Sequential());
    for (int l = 0; l < a.strides().size(); l++) {
      Scale s = new Scale(b, 1f);
      ((Sequential) scaleList).add(s);
      scales.add(s);
    }
  }

  static Sequential tower(FCOSHeadArgs a, Backend b, Random rnd) {
    return tower(
        b, rnd, a.stackedConvs(), a.inChannels(), a.featChannels(), a.normCfg(), a.towerBias());
  }

  /** {@code stacked_convs} 3x3 ConvModules (conv, norm, ReLU), mmdet's N(0, 0.01) init. */
  static Sequential tower(
      Backend b, Random rnd, int stacked, int inChannels, int feat, NormCfg norm, boolean bias) {
    Sequential s = new Sequential();
    for (int j = 0; j < stacked; j++) {
      int in = j == 0 ? inChannels : feat;
      ConvModule m =
          ConvModule.builder(b, rnd, in, feat).kernel(3).padding(1).norm(norm).bias(bias).build();
      m.conv().weight().set(Init.normal(b, rnd, 0.01, m.conv().weight().shape().dims()));
      s.add(m);
    }
    return s;
  }

  /** A 3x3 predictor conv with bias, N(0, 0.01) weights. */
  static Conv2d predictor(Backend b, Random rnd, int in, int out) {
    Conv2d c = Conv2d.builder(b, rnd, in, out).kernel(3).padding(1).build();
    c.weight().set(Init.normal(b, rnd, 0.01, c.weight().shape().dims()));
    return c;
  }

  @Override
  public HeadOutputs forward(List<Tensor> feats) {
    if (feats.size() != scales.size()) {
      throw new IllegalArgumentException(
          "FCOSHead has " + scales.size() + " strides, got " + feats.size() + " feature maps");
    }
    List<Tensor> cls = new ArrayList<>();
    List<Tensor> reg = new ArrayList<>();
    List<Tensor> ctr = new ArrayList<>();
    for (int l = 0; l < feats.size(); l++) {
      try (TensorScope scope = TensorScope.open()) {
        Tensor x = feats.get(l);
        Tensor clsFeat = clsConvs.forward(x);
        Tensor regFeat = regConvs.forward(x);
        cls.add(scope.handOut(convCls.forward(clsFeat)));
        Tensor r = scales.get(l).forward(convReg.forward(regFeat));
        if (args.normOnBbox()) {
          r = r.relu();
          if (!isTraining()) {
            r = r.mul(points.stride(l));
          }
        } else {
          r = r.exp();
        }
        reg.add(scope.handOut(r));
        ctr.add(scope.handOut(convCenterness.forward(args.centernessOnReg() ? regFeat : clsFeat)));
      }
    }
    Map<String, List<Tensor>> m = new LinkedHashMap<>();
    m.put(HeadOutputs.CLS_SCORES, cls);
    m.put(HeadOutputs.BBOX_PREDS, reg);
    m.put(HeadOutputs.CENTERNESSES, ctr);
    return new HeadOutputs(m);
  }

  /** Points of every level for these outputs ({@code [N_l * 2]} each). */
  public List<float[]> priors(HeadOutputs out) {
    return points.gridPriors(out);
  }

  /**
   * mmdet's {@code get_targets}: per level, labels {@code [B * N_l]} (image-major), the assigned gt
   * index (-1 background) and (l, t, r, b) targets {@code [B * N_l * 4]}, divided by the stride
   * with {@code norm_on_bbox}.
   */
  public record Targets(List<int[]> labels, List<int[]> gtIndex, List<float[]> bboxTargets) {}

  public Targets targets(List<float[]> priors, List<GtInstances> gts) {
    int nl = priors.size();
    int[] strides = new int[nl];
    int[] sizes = new int[nl];
    for (int l = 0; l < nl; l++) {
      strides[l] = points.stride(l);
      sizes[l] = priors.get(l).length / 2;
    }
    List<FcosTargets.Image> images = new ArrayList<>();
    for (GtInstances gt : gts) {
      images.add(targets.compute(priors, strides, gt));
    }
    int nb = gts.size();
    List<int[]> labels = new ArrayList<>();
    List<int[]> gtIndex = new ArrayList<>();
    List<float[]> boxes = new ArrayList<>();
    int start = 0;
    for (int l = 0; l < nl; l++) {
      int n = sizes[l];
      int[] lab = new int[nb * n];
      int[] gi = new int[nb * n];
      float[] bt = new float[nb * n * 4];
      for (int i = 0; i < nb; i++) {
        FcosTargets.Image im = images.get(i);
        System.arraycopy(im.labels(), start, lab, i * n, n);
        System.arraycopy(im.gtIndex(), start, gi, i * n, n);
        System.arraycopy(im.bboxTargets(), 4 * start, bt, 4 * i * n, 4 * n);
      }
      if (args.normOnBbox()) {
        float s = strides[l];
        for (int k = 0; k < bt.length; k++) {
          bt[k] = bt[k] / s;
        }
      }
      labels.add(lab);
      gtIndex.add(gi);
      boxes.add(bt);
      start += n;
    }
    return new Targets(labels, gtIndex, boxes);
  }

  /** Centerness target of one (l, t, r, b) row: {@code sqrt(min/max(l, r) * min/max(t, b))}. */
  static float centerness(float l, float t, float r, float b) {
    float lr = Math.min(l, r) / Math.max(l, r);
    float tb = Math.min(t, b) / Math.max(t, b);
    return (float) Math.sqrt(lr * tb);
  }

  @Override
  public HeadLosses lossByFeat(HeadOutputs out, List<GtInstances> gts, List<ImageMeta> metas) {
    Backend b = out.clsScores().get(0).backend();
    List<float[]> priors = priors(out);
    Targets t = targets(priors, gts);
    int nc = args.numClasses();
    // mmdet's flatten order: levels, then images, then positions.
    List<Tensor> cls = new ArrayList<>();
    List<Tensor> reg = new ArrayList<>();
    List<Tensor> ctr = new ArrayList<>();
    int total = 0;
    for (int l = 0; l < out.numLevels(); l++) {
      cls.add(out.clsScores().get(l).permute(0, 2, 3, 1).reshape(-1, nc));
      reg.add(out.bboxPreds().get(l).permute(0, 2, 3, 1).reshape(-1, 4));
      ctr.add(out.get(HeadOutputs.CENTERNESSES).get(l).reshape(-1));
      total += t.labels().get(l).length;
    }
    long[] labels = new long[total];
    List<Integer> pos = new ArrayList<>();
    float[] posTargets = new float[4 * total];
    float[] posPoints = new float[2 * total];
    int o = 0;
    int nb = gts.size();
    for (int l = 0; l < out.numLevels(); l++) {
      int[] lab = t.labels().get(l);
      float[] bt = t.bboxTargets().get(l);
      int n = lab.length / nb;
      for (int k = 0; k < lab.length; k++, o++) {
        labels[o] = lab[k];
        if (lab[k] >= 0 && lab[k] < nc) {
          int np = pos.size();
          System.arraycopy(bt, 4 * k, posTargets, 4 * np, 4);
          System.arraycopy(priors.get(l), 2 * (k % n), posPoints, 2 * np, 2);
          pos.add(o);
        }
      }
    }
    int np = pos.size();
    double numPos = Math.max(np, 1.0);
    Tensor flatCls = b.concat(0, cls.toArray(Tensor[]::new));
    Tensor lossC = lossCls.forward(flatCls, b.fromLongs(labels, total), null, numPos);
    Tensor flatReg = b.concat(0, reg.toArray(Tensor[]::new));
    Tensor flatCtr = b.concat(0, ctr.toArray(Tensor[]::new));
    Tensor lossB;
    Tensor lossCtr;
    if (np > 0) {
      long[] idx = pos.stream().mapToLong(Integer::longValue).toArray();
      Tensor index = b.fromLongs(idx, np);
      Tensor posReg = flatReg.indexSelect(0, index);
      Tensor posCtr = flatCtr.indexSelect(0, index);
      float[] ctrTargets = new float[np];
      double ctrSum = 0;
      for (int k = 0; k < np; k++) {
        ctrTargets[k] =
            centerness(
                posTargets[4 * k],
                posTargets[4 * k + 1],
                posTargets[4 * k + 2],
                posTargets[4 * k + 3]);
        ctrSum += ctrTargets[k];
      }
      Tensor ctrT = b.fromFloats(ctrTargets, np);
      Tensor pts = b.fromFloats(java.util.Arrays.copyOf(posPoints, 2 * np), np, 2);
      Tensor tgt = b.fromFloats(java.util.Arrays.copyOf(posTargets, 4 * np), np, 4);
      lossB =
          lossBbox.forward(
              coder.decode(pts, posReg, null),
              coder.decode(pts, tgt, null),
              ctrT,
              Math.max((double) (float) ctrSum, 1e-6));
      lossCtr = lossCenterness.forward(posCtr, ctrT, null, numPos);
    } else {
      // Sums over no positive: zeros that keep the graph.
      lossB = flatReg.sum().mul(0);
      lossCtr = flatCtr.sum().mul(0);
    }
    Map<String, List<Tensor>> terms = new LinkedHashMap<>();
    terms.put("loss_cls", List.of(lossC));
    terms.put("loss_bbox", List.of(lossB));
    terms.put("loss_centerness", List.of(lossCtr));
    return new HeadLosses(terms);
  }

  @Override
  public List<Detections> predictByFeat(HeadOutputs out, List<ImageMeta> metas) {
    TestCfg cfg = args.testCfg();
    if (cfg == null) {
      throw new IllegalStateException("the head has no test_cfg");
    }
    List<float[]> priors = priors(out);
    DensePostProcessor post = new DensePostProcessor(coder, cfg);
    List<Detections> result = new ArrayList<>();
    for (int i = 0; i < metas.size(); i++) {
      result.add(
          post.predict(
              image(out.clsScores(), i),
              image(out.bboxPreds(), i),
              image(out.get(HeadOutputs.CENTERNESSES), i),
              priors,
              args.numClasses(),
              metas.get(i)));
    }
    return result;
  }

  /** Image {@code i}'s maps ({@code [C, H, W]}) of every level. */
  static List<Tensor> image(List<Tensor> levels, int i) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : levels) {
      out.add(t.slice(0, i, i + 1).squeeze(0));
    }
    return out;
  }

  @Override
  public int numClasses() {
    return args.numClasses();
  }

  @Override
  public PriorGenerator priorGenerator() {
    return points;
  }

  /**
   * mmdet's {@code AnchorFreeHead._load_from_state_dict}: a key whose first component ends in
   * {@code cls}, {@code reg} or {@code centerness} names {@code conv_cls}, {@code conv_reg} or
   * {@code conv_centerness} (old {@code fcos_cls} checkpoints).
   */
  @Override
  public String renameLegacyKey(String key) {
    String[] parts = key.split("\\.", 2);
    if (parts.length < 2) {
      return key;
    }
    String name = parts[0];
    String to =
        name.endsWith("cls")
            ? "conv_cls"
            : name.endsWith("reg")
                ? "conv_reg"
                : name.endsWith("centerness") ? "conv_centerness" : null;
    return to == null ? key : to + "." + parts[1];
  }
}
