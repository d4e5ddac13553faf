package dev.detkit.necks;

import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.model.Neck;
import dev.detkit.api.nn.ActCfg;
import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.ConvModule;
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
import java.util.Random;

/**
 * mmdet's ChannelMapper: one conv per input level to {@code out_channels} (no top-down path), and
 * for {@code num_outs} beyond the inputs, stride-2 3x3 convs on the last input, then on each new
 * output.
 */
public final class ChannelMapper extends Module implements Neck {

  @Component(
      kind = ComponentKind.NECK,
      name = "ChannelMapper",
      summary = "one conv per level to a common channel count, optional stride-2 extra levels")
  public static ChannelMapper build(Args a, BuildContext ctx) {
    return new ChannelMapper(a, ctx.backend(), NeckInputs.checkedStrides(a.inChannels(), ctx));
  }

  /**
   * mmdet's arguments.
   *
   * @param inChannels channels of each input level (the backbone's, when omitted in a detector)
   * @param outChannels channels of every output level
   * @param kernelSize kernel of the per-level convs, padded by (k - 1) / 2
   * @param convCfg conv layer config (plain Conv2d only)
   * @param normCfg norm after each conv, or null; a conv has a bias only without norm
   * @param actCfg activation after each conv (and norm), or null
   * @param bias {@code auto}: a bias exactly when there is no norm (the only mode supported)
   * @param numOuts output levels (default: one per input)
   * @param initCfg mmengine init config (weights come from the checkpoint)
   */
  public record Args(
      List<Integer> inChannels,
      int outChannels,
      @Default("3") int kernelSize,
      @Default("null") Object convCfg,
      @Default("null") NormCfg normCfg,
      @Default("{type: ReLU}") ActCfg actCfg,
      @Default("auto") String bias,
      @Default("null") Integer numOuts,
      @Default("null") Object initCfg) {
    public Args {
      if (inChannels.isEmpty() || outChannels < 1 || kernelSize < 1 || kernelSize % 2 == 0) {
        throw new IllegalArgumentException(
            "needs in_channels, out_channels >= 1 and an odd kernel_size, got "
                + inChannels
                + ", "
                + outChannels
                + ", "
                + kernelSize);
      }
      if (numOuts != null && numOuts < inChannels.size()) {
        throw new IllegalArgumentException(
            "num_outs " + numOuts + " is smaller than the " + inChannels.size() + " inputs");
      }
      if (!bias.equals("auto")) {
        throw new IllegalArgumentException("bias '" + bias + "' is not supported (use auto)");
      }
      if (convCfg != null) {
        throw new IllegalArgumentException("conv_cfg is not supported by detkit's ChannelMapper");
      }
    }

    int outs() {
      return numOuts == null ? inChannels.size() : numOuts;
    }
  }

  private final Args args;
  private final Sequential convs;
  private final Sequential extraConvs;
  private final List<FeatureInfo> info = new ArrayList<>();

  /**
   * @param inStrides strides of the inputs (for featureInfo), or null
   */
  public ChannelMapper(Args a, Backend b, List<Integer> inStrides) {
    this.args = a;
    Random rnd = new Random(0);
    Activation act = a.actCfg() == null ? Activation.IDENTITY : a.actCfg().activation();
    int k = a.kernelSize();
    convs = register("convs", new Sequential());
    for (int in : a.inChannels()) {
      convs.add(
          ConvModule.builder(b, rnd, in, a.outChannels())
              .kernel(k)
              .padding((k - 1) / 2)
              .norm(a.normCfg())
              .act(act)
              .build());
    }
    int n = a.inChannels().size();
    extraConvs = a.outs() > n ? register("extra_convs", new Sequential()) : null;
    for (int i = n; i < a.outs(); i++) {
      int in = i == n ? a.inChannels().get(n - 1) : a.outChannels();
      extraConvs.add(
          ConvModule.builder(b, rnd, in, a.outChannels())
              .kernel(3)
              .stride(2)
              .padding(1)
              .norm(a.normCfg())
              .act(act)
              .build());
    }
    int stride = 0;
    for (int i = 0; i < a.outs(); i++) {
      stride =
          inStrides != null && i < inStrides.size()
              ? inStrides.get(i)
              : stride == 0 ? 1 << i : stride * 2;
      info.add(new FeatureInfo(a.outChannels(), stride));
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
          "ChannelMapper expects " + args.inChannels().size() + " inputs, got " + inputs.size());
    }
    List<Tensor> outs = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      outs.add(convs.get(i).forward(inputs.get(i)));
    }
    for (int i = 0; extraConvs != null && i < args.outs() - inputs.size(); i++) {
      Tensor src = i == 0 ? inputs.get(inputs.size() - 1) : outs.get(outs.size() - 1);
      outs.add(extraConvs.get(i).forward(src));
    }
    return outs;
  }
}
