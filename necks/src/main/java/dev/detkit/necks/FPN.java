package dev.detkit.necks;

import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.model.Neck;
import dev.detkit.api.nn.ActCfg;
import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.ConvModule;
import dev.detkit.api.nn.FlopCounter;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.nn.Sequential;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * mmdet's FPN with every option: lateral 1x1 convs, top-down nearest upsampling and addition, 3x3
 * output convs, and extra levels by max-pool or by stride-2 convs on the input, lateral or output
 * ({@code add_extra_convs}). {@code end_level} is inclusive (mmdet >= 2.24). Plain symmetric
 * padding throughout. PAFPN extends it with a bottom-up path between the outputs and the extra
 * levels ({@link #pathAggregation}).
 */
public class FPN extends Module implements Neck {

  @Component(
      kind = ComponentKind.NECK,
      name = "FPN",
      summary =
          "feature pyramid: lateral 1x1, top-down nearest upsampling, 3x3 outputs, extra levels")
  public static FPN build(Args a, BuildContext ctx) {
    return new FPN(a, ctx.backend(), NeckInputs.checkedStrides(a.inChannels(), ctx));
  }

  /**
   * mmdet's arguments.
   *
   * @param inChannels channels of each backbone output level; omit to take the backbone's
   * @param outChannels channels of every output level
   * @param numOuts number of output levels (backbone levels used plus extra levels)
   * @param startLevel index of the first backbone level used
   * @param endLevel index of the last backbone level used, inclusive; -1 for the last one
   * @param addExtraConvs extra levels by stride-2 3x3 convs instead of max-pooling: false, true
   *     (on_input), on_input, on_lateral or on_output
   * @param reluBeforeExtraConvs apply ReLU before each extra conv after the first
   * @param noNormOnLateral leave the lateral 1x1 convs without norm_cfg's normalisation
   * @param convCfg conv layer config; only null (plain Conv2d) is supported
   * @param normCfg normalisation after each conv ({type: BN} or GN), none when null
   * @param actCfg activation after each conv, none when null
   * @param upsampleCfg top-down upsampling; only {mode: nearest} to the lateral's size
   * @param initCfg weight init config (mmdet's Xavier uniform when null)
   */
  public record Args(
      List<Integer> inChannels,
      int outChannels,
      int numOuts,
      @Default("0") int startLevel,
      @Default("-1") int endLevel,
      @Default("false") Object addExtraConvs,
      @Default("false") boolean reluBeforeExtraConvs,
      @Default("false") boolean noNormOnLateral,
      @Default("null") Object convCfg,
      @Default("null") NormCfg normCfg,
      @Default("null") ActCfg actCfg,
      @Default("{mode: nearest}") Map<String, Object> upsampleCfg,
      @Default("null") Object initCfg) {
    public Args {
      if (inChannels.isEmpty()) {
        throw new IllegalArgumentException("in_channels must not be empty");
      }
      if (!(addExtraConvs instanceof Boolean)
          && !List.of("on_input", "on_lateral", "on_output").contains(addExtraConvs)) {
        throw new IllegalArgumentException(
            "add_extra_convs must be false, true, on_input, on_lateral or on_output, got '"
                + addExtraConvs
                + "'");
      }
      if (!"nearest".equals(upsampleCfg.get("mode")) || upsampleCfg.containsKey("scale_factor")) {
        throw new IllegalArgumentException(
            "only upsample_cfg {mode: nearest} (to the lateral size) is supported");
      }
      if (convCfg != null) {
        throw new IllegalArgumentException("conv_cfg is not supported by detkit's FPN");
      }
    }

    /** The extra-conv source, or null for max-pooling. */
    String extraSource() {
      if (addExtraConvs instanceof Boolean b) {
        return b ? "on_input" : null;
      }
      return (String) addExtraConvs;
    }
  }

  private final Args args;
  private final int backboneEndLevel;
  private final Sequential lateralConvs;
  private final Sequential fpnConvs;
  private final List<FeatureInfo> info = new ArrayList<>();

  /** The convs' activation (identity without act_cfg). */
  protected final Activation act;

  /**
   * @param inStrides strides of the backbone outputs (for featureInfo), or null
   */
  public FPN(Args a, Backend b, List<Integer> inStrides) {
    this.args = a;
    Random rnd = new Random(0);
    int numIns = a.inChannels().size();
    if (a.endLevel() == -1 || a.endLevel() == numIns - 1) {
      backboneEndLevel = numIns;
      if (a.numOuts() < numIns - a.startLevel()) {
        throw new IllegalArgumentException(
            "num_outs " + a.numOuts() + " is smaller than the inputs used");
      }
    } else {
      backboneEndLevel = a.endLevel() + 1;
      if (a.endLevel() >= numIns || a.numOuts() != a.endLevel() - a.startLevel() + 1) {
        throw new IllegalArgumentException(
            "end_level " + a.endLevel() + " does not fit in_channels and num_outs");
      }
    }
    if (a.startLevel() < 0 || a.startLevel() >= backboneEndLevel) {
      throw new IllegalArgumentException("start_level " + a.startLevel() + " is out of range");
    }
    act = a.actCfg() == null ? Activation.IDENTITY : a.actCfg().activation();
    lateralConvs = register("lateral_convs", new Sequential());
    fpnConvs = register("fpn_convs", new Sequential());
    for (int i = a.startLevel(); i < backboneEndLevel; i++) {
      lateralConvs.add(
          ConvModule.builder(b, rnd, a.inChannels().get(i), a.outChannels())
              .norm(a.noNormOnLateral() ? null : a.normCfg())
              .act(act)
              .build());
      fpnConvs.add(
          ConvModule.builder(b, rnd, a.outChannels(), a.outChannels())
              .kernel(3)
              .padding(1)
              .norm(a.normCfg())
              .act(act)
              .build());
    }
    int extra = a.numOuts() - backboneEndLevel + a.startLevel();
    String source = a.extraSource();
    if (source != null) {
      for (int i = 0; i < extra; i++) {
        int in =
            i == 0 && source.equals("on_input")
                ? a.inChannels().get(backboneEndLevel - 1)
                : a.outChannels();
        fpnConvs.add(
            ConvModule.builder(b, rnd, in, a.outChannels())
                .kernel(3)
                .stride(2)
                .padding(1)
                .norm(a.normCfg())
                .act(act)
                .build());
      }
    }
    // Levels past the backbone's double its last stride; without strides, report 2^i (relative).
    int stride = 0;
    for (int i = 0; i < a.numOuts(); i++) {
      int level = a.startLevel() + i;
      if (inStrides != null && level < backboneEndLevel && level < inStrides.size()) {
        stride = inStrides.get(level);
      } else {
        stride = stride == 0 ? 1 << i : stride * 2;
      }
      info.add(new FeatureInfo(a.outChannels(), stride));
    }
  }

  public Args args() {
    return args;
  }

  /** The backbone levels the pyramid uses: {@code backbone_end_level - start_level}. */
  protected final int usedLevels() {
    return backboneEndLevel - args.startLevel();
  }

  @Override
  public List<FeatureInfo> featureInfo() {
    return List.copyOf(info);
  }

  @Override
  public List<Tensor> forward(List<Tensor> inputs) {
    if (inputs.size() != args.inChannels().size()) {
      throw new IllegalArgumentException(
          "FPN expects " + args.inChannels().size() + " inputs, got " + inputs.size());
    }
    int used = backboneEndLevel - args.startLevel();
    List<Tensor> laterals = new ArrayList<>();
    for (int i = 0; i < used; i++) {
      laterals.add(lateralConvs.get(i).forward(inputs.get(i + args.startLevel())));
    }
    for (int i = used - 1; i > 0; i--) {
      Tensor prev = laterals.get(i - 1);
      Tensor up = laterals.get(i).interpolateNearest(prev.dim(2), prev.dim(3));
      FlopCounter.count(this, "upsample_nearest2d", up.size());
      laterals.set(i - 1, prev.add(up));
    }
    List<Tensor> outs = new ArrayList<>();
    for (int i = 0; i < used; i++) {
      outs.add(fpnConvs.get(i).forward(laterals.get(i)));
    }
    outs = pathAggregation(outs);
    if (args.numOuts() > used) {
      String source = args.extraSource();
      if (source == null) {
        for (int i = 0; i < args.numOuts() - used; i++) {
          outs.add(outs.get(outs.size() - 1).maxPool2d(1, 2, 0));
        }
      } else {
        Tensor src =
            switch (source) {
              case "on_input" -> inputs.get(backboneEndLevel - 1);
              case "on_lateral" -> laterals.get(laterals.size() - 1);
              default -> outs.get(outs.size() - 1);
            };
        outs.add(fpnConvs.get(used).forward(src));
        for (int i = used + 1; i < args.numOuts(); i++) {
          Tensor last = outs.get(outs.size() - 1);
          outs.add(fpnConvs.get(i).forward(args.reluBeforeExtraConvs() ? last.relu() : last));
        }
      }
    }
    return outs;
  }

  /**
   * What runs between the top-down outputs and the extra levels: nothing in FPN; PAFPN's bottom-up
   * path. The extra levels then build on what this returns.
   */
  protected List<Tensor> pathAggregation(List<Tensor> outs) {
    return outs;
  }
}
