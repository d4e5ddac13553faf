package dev.detkit.heads;

import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.DepthWiseConvBlock;
import dev.detkit.api.nn.Layer;
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
 * mmdet's EfficientDetSepBNHead (projects/EfficientDet; reference efficientdet.md section 5):
 * {@code stacked_convs} separable conv blocks per branch shared by every level, one BN per (block,
 * level), Swish after each BN, then separable {@code cls_header} / {@code reg_header}; no residual.
 * The box loss is averaged over {@code 4 x avg_factor}, as mmdet's head does.
 */
public final class EfficientDetSepBNHead extends AnchorHead {

  @Component(
      kind = ComponentKind.HEAD,
      name = "EfficientDetSepBNHead",
      summary = "EfficientDet head: separable convs shared across levels, BN per level, Swish")
  public static EfficientDetSepBNHead build(EfficientDetHeadArgs a, BuildContext ctx) {
    return new EfficientDetSepBNHead(
        a, ctx.backend(), anchors(a, ctx), coder(a, ctx), HeadTraining.build(a, ctx));
  }

  private final Sequential regConvList;
  private final Sequential clsConvList;
  private final Sequential regBnList;
  private final Sequential clsBnList;
  private final DepthWiseConvBlock clsHeader;
  private final DepthWiseConvBlock regHeader;
  private final int stacked;
  private final int numIns;

  public EfficientDetSepBNHead(
      EfficientDetHeadArgs a,
      Backend b,
      PriorGenerator anchors,
      BBoxCoder coder,
      HeadTraining training) {
    super(a.numClasses(), anchors, coder, a.testCfg(), training);
    Random rnd = new Random(0);
    stacked = a.stackedConvs();
    numIns = a.numIns();
    int feat = a.featChannels();
    regConvList = register("reg_conv_list", new Sequential());
    clsConvList = register("cls_conv_list", new Sequential());
    regBnList = register("reg_bn_list", new Sequential());
    clsBnList = register("cls_bn_list", new Sequential());
    for (int i = 0; i < stacked; i++) {
      int in = i == 0 ? a.inChannels() : feat;
      zeroBias(b, regConvList.add(new DepthWiseConvBlock(b, rnd, in, feat, null, false)));
      zeroBias(b, clsConvList.add(new DepthWiseConvBlock(b, rnd, in, feat, null, false)));
      Sequential reg = regBnList.add(new Sequential());
      Sequential cls = clsBnList.add(new Sequential());
      for (int l = 0; l < numIns; l++) {
        reg.add(a.normCfg().build(b, feat));
        cls.add(a.normCfg().build(b, feat));
      }
    }
    int na = anchors.numBasePriors();
    clsHeader =
        register(
            "cls_header",
            new DepthWiseConvBlock(b, rnd, a.inChannels(), na * a.numClasses(), null, false));
    regHeader =
        register("reg_header", new DepthWiseConvBlock(b, rnd, a.inChannels(), na * 4, null, false));
    // mmdet's init_weights: bias_init_with_prob(0.01) on the class header, zeros elsewhere.
    clsHeader
        .pointwise()
        .bias()
        .set(b.full(-Math.log((1 - 0.01) / 0.01), DType.FLOAT32, na * a.numClasses()));
    zeroBias(b, regHeader);
  }

  private static void zeroBias(Backend b, DepthWiseConvBlock block) {
    var bias = block.pointwise().bias();
    bias.set(b.zeros(DType.FLOAT32, bias.shape().dims()));
  }

  @Override
  public HeadOutputs forward(List<Tensor> feats) {
    if (feats.size() != numIns) {
      throw new IllegalArgumentException(
          "EfficientDetSepBNHead has " + numIns + " levels, got " + feats.size() + " feature maps");
    }
    List<Tensor> cls = new ArrayList<>();
    List<Tensor> reg = new ArrayList<>();
    for (int l = 0; l < feats.size(); l++) {
      try (TensorScope scope = TensorScope.open()) {
        reg.add(scope.handOut(regHeader.forward(branch(regConvList, regBnList, l, feats.get(l)))));
        cls.add(scope.handOut(clsHeader.forward(branch(clsConvList, clsBnList, l, feats.get(l)))));
      }
    }
    return HeadOutputs.of(cls, reg);
  }

  /** {@code f = swish(bn[i][l](conv[i](f)))} for each stacked block. */
  private Tensor branch(Sequential convs, Sequential bns, int level, Tensor f) {
    for (int i = 0; i < stacked; i++) {
      Layer bn = ((Sequential) bns.get(i)).get(level);
      f = Activation.SWISH.apply(bn.forward(convs.get(i).forward(f)));
    }
    return f;
  }

  @Override
  protected double bboxAvgFactor(double avgFactor) {
    return 4 * avgFactor;
  }
}
