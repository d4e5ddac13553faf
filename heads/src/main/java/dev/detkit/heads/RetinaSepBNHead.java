package dev.detkit.heads;

import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.Conv2d;
import dev.detkit.api.nn.ConvModule;
import dev.detkit.api.nn.Init;
import dev.detkit.api.nn.Sequential;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * mmdet's RetinaSepBNHead: per level {@code i}, {@code cls_convs[i][j]} and {@code reg_convs[i][j]}
 * ConvModules whose convs are level 0's (shared weights, listed under every level's key as
 * PyTorch's state dict lists them) and whose BNs are per level; shared {@code retina_cls} / {@code
 * retina_reg}.
 */
public final class RetinaSepBNHead extends AnchorHead {

  @Component(
      kind = ComponentKind.HEAD,
      name = "RetinaSepBNHead",
      summary = "RetinaNet head with conv weights shared across levels and BN per level")
  public static RetinaSepBNHead build(RetinaHeadArgs a, BuildContext ctx) {
    return new RetinaSepBNHead(
        a, ctx.backend(), anchors(a, ctx), coder(a, ctx), HeadTraining.build(a, ctx));
  }

  private final List<Sequential> clsConvs = new ArrayList<>();
  private final List<Sequential> regConvs = new ArrayList<>();
  private final Conv2d retinaCls;
  private final Conv2d retinaReg;

  public RetinaSepBNHead(
      RetinaHeadArgs a, Backend b, PriorGenerator anchors, BBoxCoder coder, HeadTraining training) {
    super(a.numClasses(), anchors, coder, a.testCfg(), training);
    if (a.numIns() == null || a.numIns() < 1) {
      throw new IllegalArgumentException("RetinaSepBNHead needs num_ins (the number of levels)");
    }
    Random rnd = new Random(0);
    Sequential clsRoot = register("cls_convs", new Sequential());
    Sequential regRoot = register("reg_convs", new Sequential());
    List<Conv2d> sharedCls = new ArrayList<>();
    List<Conv2d> sharedReg = new ArrayList<>();
    for (int j = 0; j < a.stackedConvs(); j++) {
      int in = j == 0 ? a.inChannels() : a.featChannels();
      boolean bias = a.normCfg() == null;
      Conv2d c =
          Conv2d.builder(b, rnd, in, a.featChannels()).kernel(3).padding(1).bias(bias).build();
      Conv2d r =
          Conv2d.builder(b, rnd, in, a.featChannels()).kernel(3).padding(1).bias(bias).build();
      c.weight().set(Init.normal(b, rnd, 0.01, c.weight().shape().dims()));
      r.weight().set(Init.normal(b, rnd, 0.01, r.weight().shape().dims()));
      sharedCls.add(c);
      sharedReg.add(r);
    }
    for (int i = 0; i < a.numIns(); i++) {
      Sequential cl = clsRoot.add(new Sequential());
      Sequential rl = regRoot.add(new Sequential());
      for (int j = 0; j < a.stackedConvs(); j++) {
        cl.add(new ConvModule(b, sharedCls.get(j), a.normCfg(), Activation.RELU));
        rl.add(new ConvModule(b, sharedReg.get(j), a.normCfg(), Activation.RELU));
      }
      clsConvs.add(cl);
      regConvs.add(rl);
    }
    int na = anchors.numBasePriors();
    int feat = a.stackedConvs() > 0 ? a.featChannels() : a.inChannels();
    retinaCls =
        register(
            "retina_cls",
            Conv2d.builder(b, rnd, feat, na * a.numClasses()).kernel(3).padding(1).build());
    retinaReg =
        register("retina_reg", Conv2d.builder(b, rnd, feat, na * 4).kernel(3).padding(1).build());
    initOutputs(b, rnd, retinaCls, retinaReg, na * a.numClasses());
  }

  /** Normal(0.01) weights; classification bias {@code -log((1 - 0.01) / 0.01)}. */
  static void initOutputs(Backend b, Random rnd, Conv2d cls, Conv2d reg, int clsChannels) {
    cls.weight().set(Init.normal(b, rnd, 0.01, cls.weight().shape().dims()));
    reg.weight().set(Init.normal(b, rnd, 0.01, reg.weight().shape().dims()));
    cls.bias().set(b.full(-Math.log((1 - 0.01) / 0.01), DType.FLOAT32, clsChannels));
  }

  @Override
  public HeadOutputs forward(List<Tensor> feats) {
    if (feats.size() != clsConvs.size()) {
      throw new IllegalArgumentException(
          "RetinaSepBNHead has "
              + clsConvs.size()
              + " levels, got "
              + feats.size()
              + " feature maps");
    }
    List<Tensor> cls = new ArrayList<>();
    List<Tensor> reg = new ArrayList<>();
    for (int i = 0; i < feats.size(); i++) {
      try (TensorScope scope = TensorScope.open()) {
        cls.add(scope.handOut(retinaCls.forward(clsConvs.get(i).forward(feats.get(i)))));
        reg.add(scope.handOut(retinaReg.forward(regConvs.get(i).forward(feats.get(i)))));
      }
    }
    return HeadOutputs.of(cls, reg);
  }
}
