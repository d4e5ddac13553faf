package dev.detkit.necks.bifpn;

import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.model.InputShapeException;
import dev.detkit.api.model.Neck;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.necks.NeckInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * mmdet's BiFPN (projects/EfficientDet): {@code num_stages} stacked {@link BiFPNStage}s turning the
 * backbone's last three levels into five (P3-P7) of {@code out_channels}. Upsampling is a fixed
 * nearest 2x, so every level must be exactly half the one below it: the network input's sides must
 * lie in (128k - 8, 128k], which mmdetection ensures by padding test images to a multiple of the
 * image size; other sizes are refused naming them.
 */
public final class BiFPN extends Module implements Neck {

  @Component(
      kind = ComponentKind.NECK,
      name = "BiFPN",
      summary = "EfficientDet's weighted bidirectional pyramid (mmdet's projects/EfficientDet)")
  public static BiFPN build(Args a, BuildContext ctx) {
    return new BiFPN(a, ctx.backend(), NeckInputs.checkedStrides(a.inChannels(), ctx));
  }

  /**
   * mmdet's arguments.
   *
   * @param numStages how many BiFPN stages are stacked (EfficientDet D0: 3)
   * @param inChannels channels of the backbone levels; the last three are used (C3, C4, C5)
   * @param outChannels the BiFPN's width, the channels of every output level (D0: 64)
   * @param startLevel first backbone level taken (the inputs before it are dropped)
   * @param epsilon added to the sum of the ReLU'd fusion weights before dividing
   * @param applyBnForResampling BN after the 1x1 convs that resample backbone maps
   * @param convBnActPattern Swish after each block's BN instead of before its conv (TF option; no
   *     shipped config uses it)
   * @param normCfg norm of every block (mmdet: BN, momentum 0.01, eps 1e-3)
   * @param initCfg mmengine init config (PyTorch's default init; weights come from the checkpoint)
   */
  public record Args(
      int numStages,
      List<Integer> inChannels,
      int outChannels,
      @Default("0") int startLevel,
      @Default("1e-4") double epsilon,
      @Default("true") boolean applyBnForResampling,
      @Default("false") boolean convBnActPattern,
      @Default("{type: BN, momentum: 0.01, eps: 0.001}") NormCfg normCfg,
      @Default("null") Object initCfg) {
    public Args {
      if (numStages < 1) {
        throw new IllegalArgumentException("num_stages must be at least 1, got " + numStages);
      }
      if (inChannels.size() - startLevel < 3 || startLevel < 0) {
        throw new IllegalArgumentException(
            "needs three backbone levels from start_level "
                + startLevel
                + ", got in_channels "
                + inChannels);
      }
      if (outChannels < 1) {
        throw new IllegalArgumentException("out_channels must be positive, got " + outChannels);
      }
    }
  }

  private final Args args;
  private final List<BiFPNStage> stages = new ArrayList<>();
  private final List<FeatureInfo> info = new ArrayList<>();

  /**
   * @param inStrides strides of the backbone levels (for featureInfo), or null
   */
  public BiFPN(Args a, Backend b, List<Integer> inStrides) {
    this.args = a;
    Random rnd = new Random(0);
    List<Integer> used = a.inChannels().subList(a.startLevel(), a.inChannels().size());
    Stages container = register("bifpn", new Stages());
    for (int s = 0; s < a.numStages(); s++) {
      BiFPNStage stage =
          new BiFPNStage(
              b,
              rnd,
              used,
              a.outChannels(),
              s == 0,
              a.epsilon(),
              a.applyBnForResampling(),
              a.convBnActPattern(),
              a.normCfg());
      stages.add(container.add(String.valueOf(s), stage));
    }
    int n = a.inChannels().size();
    int stride = inStrides == null ? 1 : inStrides.get(n - 3);
    for (int l = 0; l < 5; l++) {
      info.add(new FeatureInfo(a.outChannels(), stride << l));
    }
  }

  @Override
  public List<FeatureInfo> featureInfo() {
    return List.copyOf(info);
  }

  @Override
  public List<Tensor> forward(List<Tensor> inputs) {
    if (inputs.size() != args.inChannels().size()) {
      throw new IllegalArgumentException(
          "BiFPN expects " + args.inChannels().size() + " inputs, got " + inputs.size());
    }
    List<Tensor> x = inputs.subList(args.startLevel(), inputs.size());
    checkSizes(x);
    for (BiFPNStage s : stages) {
      x = s.forward(x);
    }
    return x;
  }

  /**
   * Every level from C3 down to P7 must be exactly half the one below: C3's sides divisible by 16,
   * C4 and C5 exactly half and a quarter of it. Otherwise mmdet fails deep in a broadcast.
   */
  static void checkSizes(List<Tensor> x) {
    int n = x.size();
    Tensor c3 = x.get(n - 3);
    Tensor c4 = x.get(n - 2);
    Tensor c5 = x.get(n - 1);
    int h = c3.dim(2);
    int w = c3.dim(3);
    boolean ok =
        h % 16 == 0
            && w % 16 == 0
            && c4.dim(2) * 2 == h
            && c4.dim(3) * 2 == w
            && c5.dim(2) * 4 == h
            && c5.dim(3) * 4 == w;
    if (!ok) {
      throw new InputShapeException(
          "BiFPN: backbone levels "
              + h
              + "x"
              + w
              + ", "
              + c4.dim(2)
              + "x"
              + c4.dim(3)
              + ", "
              + c5.dim(2)
              + "x"
              + c5.dim(3)
              + " do not halve evenly down to P7: its fixed 2x upsampling needs the first level's"
              + " height and width divisible by 16, i.e. network input sides in (128k - 8, 128k]"
              + " (pad to a multiple of 128, as mmdetection pads to the image size)");
    }
  }

  /** The {@code bifpn} container: stages named 0, 1, ... as nn.Sequential names them. */
  private static final class Stages extends Module {
    <M extends Module> M add(String name, M stage) {
      return register(name, stage);
    }
  }
}
