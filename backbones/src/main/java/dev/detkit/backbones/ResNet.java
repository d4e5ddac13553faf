package dev.detkit.backbones;

import dev.detkit.api.model.Backbone;
import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.nn.BatchNorm2d;
import dev.detkit.api.nn.Conv2d;
import dev.detkit.api.nn.Layer;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.nn.Pretrained;
import dev.detkit.api.nn.Sequential;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * mmdet's ResNet (depth 18, 34, 50, 101, 152) with its key names: {@code conv1}, {@code bn1},
 * {@code layer1..4.N.conv1/bn1/conv2/bn2[/conv3/bn3]}, {@code downsample.0/1}. Style {@code
 * pytorch} puts the stride on the 3x3 conv of a bottleneck, {@code caffe} on the first 1x1.
 */
public final class ResNet extends Module implements Backbone {

  @Component(
      kind = ComponentKind.BACKBONE,
      name = "ResNet",
      summary = "ResNet 18/34/50/101/152 (mmdet's key names)")
  public static ResNet build(Args args, BuildContext ctx) {
    ResNet net = new ResNet(args, ctx.backend());
    Pretrained.apply(net, args.initCfg(), ctx, "ResNet");
    return net;
  }

  private static final Map<Integer, int[]> BLOCKS =
      Map.of(
          18,
          new int[] {2, 2, 2, 2},
          34,
          new int[] {3, 4, 6, 3},
          50,
          new int[] {3, 4, 6, 3},
          101,
          new int[] {3, 4, 23, 3},
          152,
          new int[] {3, 8, 36, 3});

  /**
   * mmdet's arguments; the variants detkit does not implement are rejected when set.
   *
   * @param depth depth of the ResNet: one of 18, 34 (BasicBlock), 50, 101, 152 (Bottleneck)
   * @param inChannels number of input image channels
   * @param stemChannels number of stem channels; null uses base_channels
   * @param baseChannels number of base channels of the residual layers (the first stage's width;
   *     Bottleneck stages output 4 times that)
   * @param numStages number of ResNet stages, 1 to 4
   * @param strides stride of the first block of each stage (one per stage)
   * @param dilations dilation of each stage (one per stage)
   * @param outIndices output from which stages, 0-based (0 = stride 4, 3 = stride 32); each below
   *     num_stages, no negative indices
   * @param style pytorch (stride 2 on the 3x3 conv of a Bottleneck) or caffe (on the first 1x1
   *     conv)
   * @param deepStem replace the 7x7 conv in the input stem with three 3x3 convs; only false, detkit
   *     refuses true
   * @param avgDown use AvgPool instead of a stride-2 conv when downsampling in the bottleneck; only
   *     false, detkit refuses true
   * @param frozenStages stages to be frozen (stop grad and set eval mode): -1 freezes nothing, 0
   *     the stem, k the stem and stages 1..k
   * @param convCfg config of the conv layers; detkit always builds plain Conv2d and ignores this
   *     value
   * @param normCfg config of the norm layers; BN, BN2d or SyncBN (detkit refuses GN here)
   * @param normEval whether to keep the BN layers in eval mode (frozen running statistics) while
   *     training
   * @param dcn config of deformable convs; only null, detkit refuses DCN
   * @param stageWithDcn which stages use DCN; unused, since dcn must be null
   * @param plugins plugins (e.g. attention blocks) for the stages; only null, detkit refuses
   *     plugins
   * @param withCp use activation checkpointing to save memory; detkit does not checkpoint and
   *     ignores it (no effect on results)
   * @param zeroInitResidual zero-initialise the weight of the last norm of each residual block
   *     (norm2 of a BasicBlock, norm3 of a Bottleneck), so every block starts as the identity; as
   *     in mmdet it applies only when init_cfg is null (a pretrained checkpoint overwrites it)
   * @param pretrained mmdet's deprecated path to pretrained weights; detkit ignores it, use
   *     init_cfg: {type: Pretrained, checkpoint: ...}
   * @param initCfg initialisation config: {type: Pretrained, checkpoint: path, prefix: ...} loads
   *     weights (from torch hub's cache for a URL; detkit never downloads); other types keep
   *     detkit's random init
   */
  public record Args(
      int depth,
      @Default("3") int inChannels,
      @Default("null") Integer stemChannels,
      @Default("64") int baseChannels,
      @Default("4") int numStages,
      @Default("[1, 2, 2, 2]") List<Integer> strides,
      @Default("[1, 1, 1, 1]") List<Integer> dilations,
      @Default("[0, 1, 2, 3]") List<Integer> outIndices,
      @Default("pytorch") String style,
      @Default("false") boolean deepStem,
      @Default("false") boolean avgDown,
      @Default("-1") int frozenStages,
      @Default("null") Map<String, Object> convCfg,
      @Default("{type: BN, requires_grad: true}") NormCfg normCfg,
      @Default("true") boolean normEval,
      @Default("null") Map<String, Object> dcn,
      @Default("null") List<Boolean> stageWithDcn,
      @Default("null") List<Map<String, Object>> plugins,
      @Default("false") boolean withCp,
      @Default("true") boolean zeroInitResidual,
      @Default("null") String pretrained,
      @Default("null") Object initCfg) {
    public Args {
      if (!BLOCKS.containsKey(depth)) {
        throw new IllegalArgumentException(
            "depth " + depth + " is not one of 18, 34, 50, 101, 152");
      }
      if (!style.equals("pytorch") && !style.equals("caffe")) {
        throw new IllegalArgumentException("style must be pytorch or caffe, got '" + style + "'");
      }
      if (numStages < 1
          || numStages > 4
          || strides.size() < numStages
          || dilations.size() < numStages) {
        throw new IllegalArgumentException(
            "num_stages must be 1..4 with that many strides and dilations");
      }
      for (int i : outIndices) {
        if (i < 0 || i >= numStages) {
          throw new IllegalArgumentException(
              "out_indices entry " + i + " is outside 0.." + (numStages - 1));
        }
      }
      if (deepStem || avgDown || dcn != null || plugins != null) {
        throw new IllegalArgumentException(
            "deep_stem, avg_down, dcn and plugins are not supported by detkit's ResNet");
      }
    }
  }

  private final Args args;
  private final Conv2d conv1;
  private final BatchNorm2d bn1;
  private final List<Sequential> stages = new ArrayList<>();
  private final List<FeatureInfo> info = new ArrayList<>();

  public ResNet(Args args, Backend b) {
    this.args = args;
    Random rnd = new Random(0);
    boolean bottleneck = args.depth() >= 50;
    int expansion = bottleneck ? 4 : 1;
    int stem = args.stemChannels() == null ? args.baseChannels() : args.stemChannels();
    NormCfg norm = args.normCfg();
    if (!norm.isBatchNorm()) {
      throw new IllegalArgumentException(
          "ResNet: norm_cfg type " + norm.type() + " is not supported (BN, BN2d or SyncBN)");
    }
    conv1 =
        register(
            "conv1",
            Conv2d.builder(b, rnd, args.inChannels(), stem)
                .kernel(7)
                .stride(2)
                .padding(3)
                .bias(false)
                .build());
    bn1 = register("bn1", new BatchNorm2d(b, stem, norm));
    int in = stem;
    int stride = 4;
    int[] counts = BLOCKS.get(args.depth());
    // mmdet adds the zero-init override only to its default init (init_cfg None).
    boolean zeroInitLastNorm = args.zeroInitResidual() && args.initCfg() == null;
    for (int s = 0; s < args.numStages(); s++) {
      int planes = args.baseChannels() << s;
      int st = args.strides().get(s);
      int dil = args.dilations().get(s);
      Sequential stage = register("layer" + (s + 1), new Sequential());
      for (int i = 0; i < counts[s]; i++) {
        int blockStride = i == 0 ? st : 1;
        stage.add(
            new Block(
                b,
                rnd,
                in,
                planes,
                blockStride,
                dil,
                bottleneck,
                args.style().equals("caffe"),
                norm,
                zeroInitLastNorm));
        in = planes * expansion;
      }
      stride *= st;
      stages.add(stage);
      if (args.outIndices().contains(s)) {
        info.add(new FeatureInfo(in, stride));
      }
    }
  }

  public Args args() {
    return args;
  }

  @Override
  public List<FeatureInfo> featureInfo() {
    return List.copyOf(info);
  }

  @Override
  public List<Tensor> forward(Tensor x) {
    Tensor y = bn1.forward(conv1.forward(x)).relu().maxPool2d(3, 2, 1);
    List<Tensor> outs = new ArrayList<>();
    for (int s = 0; s < stages.size(); s++) {
      y = stages.get(s).forward(y);
      if (args.outIndices().contains(s)) {
        outs.add(y);
      }
    }
    return outs;
  }

  /** frozen_stages freezes the stem (0) and layers 1..k; norm_eval keeps BN in eval. */
  @Override
  protected void afterModeChange() {
    if (args.frozenStages() >= 0) {
      conv1.freeze();
      bn1.freeze();
    }
    for (int s = 1; s <= args.frozenStages() && s <= stages.size(); s++) {
      stages.get(s - 1).freeze();
    }
    if (isTraining() && args.normEval()) {
      BatchNorm2d.applyNormEval(this);
    }
  }

  /** BasicBlock (two 3x3) or Bottleneck (1x1, 3x3, 1x1) with an optional downsample. */
  static final class Block extends Layer {
    private final List<Conv2d> convs = new ArrayList<>();
    private final List<BatchNorm2d> bns = new ArrayList<>();
    private final Sequential downsample;

    Block(
        Backend b,
        Random rnd,
        int in,
        int planes,
        int stride,
        int dilation,
        boolean bottleneck,
        boolean caffe,
        NormCfg norm,
        boolean zeroInitLastNorm) {
      int out = bottleneck ? planes * 4 : planes;
      if (bottleneck) {
        int s1 = caffe ? stride : 1;
        int s2 = caffe ? 1 : stride;
        add(
            Conv2d.builder(b, rnd, in, planes).stride(s1).bias(false).build(),
            new BatchNorm2d(b, planes, norm),
            1);
        add(
            Conv2d.builder(b, rnd, planes, planes)
                .kernel(3)
                .stride(s2)
                .padding(dilation)
                .dilation(dilation)
                .bias(false)
                .build(),
            new BatchNorm2d(b, planes, norm),
            2);
        add(
            Conv2d.builder(b, rnd, planes, out).bias(false).build(),
            new BatchNorm2d(b, out, norm),
            3);
      } else {
        add(
            Conv2d.builder(b, rnd, in, planes)
                .kernel(3)
                .stride(stride)
                .padding(dilation)
                .dilation(dilation)
                .bias(false)
                .build(),
            new BatchNorm2d(b, planes, norm),
            1);
        add(
            Conv2d.builder(b, rnd, planes, planes).kernel(3).padding(1).bias(false).build(),
            new BatchNorm2d(b, planes, norm),
            2);
      }
      if (zeroInitLastNorm) {
        BatchNorm2d last = bns.get(bns.size() - 1);
        last.weight().set(b.zeros(DType.FLOAT32, out));
      }
      if (stride != 1 || in != out) {
        downsample = register("downsample", new Sequential());
        downsample.add(Conv2d.builder(b, rnd, in, out).stride(stride).bias(false).build());
        downsample.add(new BatchNorm2d(b, out, norm));
      } else {
        downsample = null;
      }
    }

    private void add(Conv2d conv, BatchNorm2d bn, int i) {
      convs.add(register("conv" + i, conv));
      bns.add(register("bn" + i, bn));
    }

    @Override
    public Tensor forward(Tensor x) {
      Tensor y = x;
      for (int i = 0; i < convs.size(); i++) {
        y = bns.get(i).forward(convs.get(i).forward(y));
        if (i < convs.size() - 1) {
          y = y.relu();
        }
      }
      Tensor identity = downsample == null ? x : downsample.forward(x);
      return y.add(identity).relu();
    }
  }
}
