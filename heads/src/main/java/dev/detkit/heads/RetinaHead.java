package dev.detkit.heads;

import dev.detkit.api.nn.Conv2d;
import dev.detkit.api.nn.ConvModule;
import dev.detkit.api.nn.Sequential;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * mmdet's RetinaHead: {@code stacked_convs} 3x3 ConvModules with ReLU for classification and for
 * regression (shared by all levels, norms included), then {@code retina_cls} and {@code
 * retina_reg}.
 */
public final class RetinaHead extends AnchorHead {

  @Component(
      kind = ComponentKind.HEAD,
      name = "RetinaHead",
      summary = "RetinaNet head: conv towers shared by all levels")
  public static RetinaHead build(RetinaHeadArgs a, BuildContext ctx) {
    return new RetinaHead(
        a, ctx.backend(), anchors(a, ctx), coder(a, ctx), HeadTraining.build(a, ctx));
  }

  private final Sequential clsConvs;
  private final Sequential regConvs;
  private final Conv2d retinaCls;
  private final Conv2d retinaReg;

  public RetinaHead(
      RetinaHeadArgs a, Backend b, PriorGenerator anchors, BBoxCoder coder, HeadTraining training) {
    super(a.numClasses(), anchors, coder, a.testCfg(), training);
    Random rnd = new Random(0);
    clsConvs = register("cls_convs", new Sequential());
    regConvs = register("reg_convs", new Sequential());
    for (int j = 0; j < a.stackedConvs(); j++) {
      int in = j == 0 ? a.inChannels() : a.featChannels();
      clsConvs.add(
          ConvModule.builder(b, rnd, in, a.featChannels())
              .kernel(3)
              .padding(1)
              .norm(a.normCfg())
              .build());
      regConvs.add(
          ConvModule.builder(b, rnd, in, a.featChannels())
              .kernel(3)
              .padding(1)
              .norm(a.normCfg())
              .build());
    }
    int na = anchors.numBasePriors();
    int feat = a.stackedConvs() > 0 ? a.featChannels() : a.inChannels();
    retinaCls =
        register(
            "retina_cls",
            Conv2d.builder(b, rnd, feat, na * a.numClasses()).kernel(3).padding(1).build());
    retinaReg =
        register("retina_reg", Conv2d.builder(b, rnd, feat, na * 4).kernel(3).padding(1).build());
    RetinaSepBNHead.initOutputs(b, rnd, retinaCls, retinaReg, a.numClasses() * na);
  }

  @Override
  public HeadOutputs forward(List<Tensor> feats) {
    List<Tensor> cls = new ArrayList<>();
    List<Tensor> reg = new ArrayList<>();
    for (Tensor x : feats) {
      try (TensorScope scope = TensorScope.open()) {
        cls.add(scope.handOut(retinaCls.forward(clsConvs.forward(x))));
        reg.add(scope.handOut(retinaReg.forward(regConvs.forward(x))));
      }
    }
    return HeadOutputs.of(cls, reg);
  }
}
