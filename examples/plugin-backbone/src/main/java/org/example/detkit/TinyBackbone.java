package org.example.detkit;

import dev.detkit.api.model.Backbone;
import dev.detkit.api.model.FeatureInfo;
import dev.detkit.api.registry.BuildContext;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A third-party backbone: a stack of stride-2 3x3 convs with ReLU, one output per stage. Declared
 * where it is written; {@link ExamplePluginModule} collects it.
 */
public final class TinyBackbone implements Backbone {

  @Component(
      kind = ComponentKind.BACKBONE,
      scope = "example",
      name = "TinyBackbone",
      summary = "stride-2 conv stages (an example plugin)")
  public static TinyBackbone build(Args args, BuildContext ctx) {
    return new TinyBackbone(args, ctx.backend());
  }

  /**
   * Arguments, with defaults; config keys are the snake_case names.
   *
   * @param inChannels channels of the input image
   * @param channels output channels of each stride-2 stage
   * @param seed seed of the random weight init
   */
  public record Args(
      @Default("3") int inChannels,
      @Default("[8, 16]") List<Integer> channels,
      @Default("0") long seed) {
    public Args {
      if (channels.isEmpty()) {
        throw new IllegalArgumentException("channels must not be empty");
      }
    }
  }

  private final List<Tensor> weights = new ArrayList<>();
  private final List<FeatureInfo> info = new ArrayList<>();

  public TinyBackbone(Args args, Backend backend) {
    Random rnd = new Random(args.seed());
    int in = args.inChannels();
    int stride = 1;
    for (int out : args.channels()) {
      float[] w = new float[out * in * 9];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (rnd.nextGaussian() * Math.sqrt(2.0 / (in * 9)));
      }
      weights.add(backend.fromFloats(w, out, in, 3, 3));
      stride *= 2;
      info.add(new FeatureInfo(out, stride));
      in = out;
    }
  }

  @Override
  public List<FeatureInfo> featureInfo() {
    return List.copyOf(info);
  }

  @Override
  public List<Tensor> forward(Tensor images) {
    List<Tensor> outs = new ArrayList<>();
    Tensor x = images;
    for (Tensor w : weights) {
      x = x.conv2d(w, null, new Conv2dOptions(2, 2, Padding2d.of(1), 1, 1, 1)).relu();
      outs.add(x);
    }
    return outs;
  }
}
