package dev.detkit.backbones;

import dev.detkit.api.model.Backbone;
import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.nn.ActCfg;
import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.BatchNorm2d;
import dev.detkit.api.nn.ConvCfg;
import dev.detkit.api.nn.ConvModule;
import dev.detkit.api.nn.EdgeResidual;
import dev.detkit.api.nn.InvertedResidual;
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
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * mmdet's EfficientNet (a copy of mmcls v0.20): a TF-SAME stem, 5 layers of MBConv (or EdgeTPU)
 * blocks scaled per arch, and a final 1x1 conv that is built only when {@code out_indices} asks for
 * layer 6. Layers beyond {@code max(out_indices)} are not built, so the state dict is the one mmdet
 * saves. {@code out_indices} index {@code layers}: 0 stem (stride 2), 1 (2), 2 (4), 3 (8), 4 (16),
 * 5 (32), 6 final conv (32).
 */
public final class EfficientNet extends Module implements Backbone {

  @Component(
      kind = ComponentKind.BACKBONE,
      name = "EfficientNet",
      summary = "EfficientNet b0..b8 and EdgeTPU es/em/el (mmdet's), TF-SAME padding")
  public static EfficientNet build(Args args, BuildContext ctx) {
    EfficientNet net = new EfficientNet(args, ctx.backend());
    Pretrained.apply(net, args.initCfg(), ctx, "EfficientNet");
    return net;
  }

  private static final int[] STRIDES = {2, 2, 4, 8, 16, 32, 32};

  /**
   * mmdet's constructor arguments; {@code with_cp} is accepted and ignored (no checkpointing).
   *
   * @param arch architecture: b0 to b8, or the EdgeTPU variants es, em, el
   * @param dropPathRate stochastic depth rate, raised linearly from 0 over all MBConv blocks to
   *     this value; in [0, 1)
   * @param outIndices output from which layers: 0 stem (stride 2), 1 (2), 2 (4), 3 (8), 4 (16), 5
   *     (32), 6 final conv (32); negative indices count from 7 (-1 = 6)
   * @param frozenStages number of layers from the stem on to be frozen (stop grad and set eval
   *     mode); 0 freezes nothing, at most 7
   * @param convCfg config of the conv layers (mmdet's EfficientDet: Conv2dAdaptivePadding, TF SAME
   *     padding)
   * @param normCfg config of the norm layers (mmdet: BN with eps 1e-3)
   * @param actCfg config of the activation layers (mmdet: Swish)
   * @param normEval whether to keep the BN layers in eval mode (frozen running statistics) while
   *     training
   * @param withCp use activation checkpointing to save memory; detkit does not checkpoint, logs
   *     that and ignores it (no effect on results)
   * @param initCfg initialisation config: {type: Pretrained, checkpoint: path, prefix: ...} loads
   *     weights (from torch hub's cache for a URL; detkit never downloads); other types keep
   *     detkit's random init
   */
  public record Args(
      @Default("b0") String arch,
      @Default("0.0") double dropPathRate,
      @Default("[6]") List<Integer> outIndices,
      @Default("0") int frozenStages,
      @Default("{type: Conv2dAdaptivePadding}") ConvCfg convCfg,
      @Default("{type: BN, eps: 0.001}") NormCfg normCfg,
      @Default("{type: Swish}") ActCfg actCfg,
      @Default("false") boolean normEval,
      @Default("false") boolean withCp,
      @Default("null") Object initCfg) {
    public Args {
      if (!EfficientNetArch.ARCHS.containsKey(arch)) {
        throw new IllegalArgumentException(
            "arch '" + arch + "' is not one of " + String.join(", ", EfficientNetArch.NAMES));
      }
      if (outIndices.isEmpty()) {
        throw new IllegalArgumentException("out_indices must not be empty");
      }
      List<Integer> norm = new ArrayList<>();
      for (int i : outIndices) {
        int idx = i < 0 ? i + 7 : i;
        if (idx < 0 || idx > 6) {
          throw new IllegalArgumentException("out_indices entry " + i + " is outside 0..6");
        }
        norm.add(idx);
      }
      outIndices = List.copyOf(norm);
      if (frozenStages < 0 || frozenStages > 7) {
        throw new IllegalArgumentException("frozen_stages " + frozenStages + " is outside 0..7");
      }
      if (dropPathRate < 0 || dropPathRate >= 1) {
        throw new IllegalArgumentException("drop_path_rate " + dropPathRate + " is outside [0, 1)");
      }
    }
  }

  private final Args args;
  private final Sequential layers;
  private final List<FeatureInfo> info = new ArrayList<>();

  public EfficientNet(Args args, Backend b) {
    this.args = args;
    Random rnd = new Random(0);
    List<List<EfficientNetArch.Block>> table = EfficientNetArch.scaled(args.arch());
    Activation act = args.actCfg().activation();
    var mode = args.convCfg().mode();
    NormCfg norm = args.normCfg();
    int maxOut = args.outIndices().stream().mapToInt(Integer::intValue).max().orElseThrow();
    layers = register("layers", new Sequential());
    EfficientNetArch.Block stem = table.get(0).get(0);
    int in = EfficientNetArch.makeDivisible(stem.out(), 8);
    List<Integer> channels = new ArrayList<>();
    layers.add(
        ConvModule.builder(b, rnd, 3, in)
            .kernel(stem.kernel())
            .stride(stem.stride())
            .padding(stem.kernel() / 2)
            .mode(mode)
            .norm(norm)
            .act(act)
            .build());
    channels.add(in);
    List<List<EfficientNetArch.Block>> middle = table.subList(1, table.size() - 1);
    int totalBlocks = middle.stream().mapToInt(List::size).sum();
    int blockIdx = 0;
    for (int li = 0; li < middle.size() && li <= maxOut - 1; li++) {
      Sequential layer = new Sequential();
      List<EfficientNetArch.Block> blocks = middle.get(li);
      for (int bi = 0; bi < blocks.size(); bi++) {
        EfficientNetArch.Block cfg = blocks.get(bi);
        int out = EfficientNetArch.makeDivisible(cfg.out(), 8);
        // torch.linspace(0, rate, total)[blockIdx] over all blocks, built or not.
        double dpr = totalBlocks == 1 ? 0 : args.dropPathRate() * blockIdx / (totalBlocks - 1);
        int expand = cfg.expand();
        Layer block;
        if (cfg.type() == 1) {
          boolean withResidual = true;
          if (bi > 0 && expand == 3) {
            withResidual = false;
            expand = 4;
          }
          int mid = (int) (in * (double) expand);
          double se = cfg.seRatio() > 0 ? (double) cfg.seRatio() * expand : 0;
          block =
              EdgeResidual.builder(b, rnd, in, out)
                  .mid(mid)
                  .kernel(cfg.kernel())
                  .stride(cfg.stride())
                  .seRatio(se)
                  .residual(withResidual)
                  .mode(mode)
                  .norm(norm)
                  .act(act)
                  .dropPath(dpr)
                  .build();
        } else {
          int mid = (int) (in * (double) expand);
          double se = cfg.seRatio() > 0 ? (double) expand * cfg.seRatio() : 0;
          block =
              InvertedResidual.builder(b, rnd, in, out)
                  .mid(mid)
                  .kernel(cfg.kernel())
                  .stride(cfg.stride())
                  .seRatio(se)
                  .mode(mode)
                  .norm(norm)
                  .act(act)
                  .dropPath(dpr)
                  .build();
        }
        layer.add(block);
        in = out;
        blockIdx++;
      }
      layers.add(layer);
      channels.add(in);
    }
    if (layers.size() < maxOut + 1) {
      EfficientNetArch.Block last = table.get(table.size() - 1).get(0);
      int out = last.out();
      layers.add(
          ConvModule.builder(b, rnd, in, out)
              .kernel(last.kernel())
              .stride(last.stride())
              .padding(last.kernel() / 2)
              .mode(mode)
              .norm(norm)
              .act(act)
              .build());
      channels.add(out);
    }
    for (int i = 0; i < channels.size(); i++) {
      if (args.outIndices().contains(i)) {
        info.add(new FeatureInfo(channels.get(i), STRIDES[i]));
      }
    }
    if (args.withCp()) {
      System.getLogger(EfficientNet.class.getName())
          .log(
              System.Logger.Level.INFO,
              "with_cp is ignored: detkit does not checkpoint activations");
    }
  }

  public Args args() {
    return args;
  }

  /** {@code layers.0} (stem) .. {@code layers.6} (final conv), as built. */
  public Sequential layers() {
    return layers;
  }

  @Override
  public List<FeatureInfo> featureInfo() {
    return List.copyOf(info);
  }

  /** Feature maps in layer order (as mmdet returns them, whatever order out_indices lists). */
  @Override
  public List<Tensor> forward(Tensor x) {
    List<Tensor> outs = new ArrayList<>();
    Tensor y = x;
    for (int i = 0; i < layers.size(); i++) {
      Tensor next = layers.get(i).forward(y);
      if (y != x && !outs.contains(y)) {
        y.close();
      }
      y = next;
      if (args.outIndices().contains(i)) {
        outs.add(y);
      }
    }
    return outs;
  }

  /** Frozen stages stay in eval with frozen weights; norm_eval keeps BN (not SyncBN) in eval. */
  @Override
  protected void afterModeChange() {
    for (int i = 0; i < Math.min(args.frozenStages(), layers.size()); i++) {
      layers.get(i).freeze();
    }
    if (isTraining() && args.normEval()) {
      BatchNorm2d.applyNormEval(this);
    }
  }
}
