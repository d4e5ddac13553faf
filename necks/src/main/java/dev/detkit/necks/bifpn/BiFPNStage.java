package dev.detkit.necks.bifpn;

import dev.detkit.api.nn.Activation;
import dev.detkit.api.nn.DepthWiseConvBlock;
import dev.detkit.api.nn.Module;
import dev.detkit.api.nn.NormCfg;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.nn.Sequential;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * One stage of mmdet's BiFPN (reference: shared/reference/efficientdet.md section 4): a top-down
 * pass P7 to P3 and a bottom-up pass P3 to P7, every node a fast normalised fusion of its inputs
 * (ReLU on the weights, divided by their sum plus epsilon) followed by Swish and a separable conv
 * block. The first stage also makes P3-P5 from the backbone with 1x1 convs, P6 and P7 by pooling,
 * and, for the bottom-up P4 and P5 inputs, separate 1x1 convs of the raw backbone maps.
 */
final class BiFPNStage extends Module {
  private final boolean firstTime;
  private final double epsilon;
  private final boolean swishBeforeConv;
  private final SamePadMaxPool pool = new SamePadMaxPool();

  private final Parameter p6w1;
  private final Parameter p5w1;
  private final Parameter p4w1;
  private final Parameter p3w1;
  private final Parameter p4w2;
  private final Parameter p5w2;
  private final Parameter p6w2;
  private final Parameter p7w2;

  private DownChannelBlock p5DownChannel;
  private DownChannelBlock p4DownChannel;
  private DownChannelBlock p3DownChannel;
  private Sequential p5ToP6;
  private DownChannelBlock p4LevelConnection;
  private DownChannelBlock p5LevelConnection;

  private final DepthWiseConvBlock conv6Up;
  private final DepthWiseConvBlock conv5Up;
  private final DepthWiseConvBlock conv4Up;
  private final DepthWiseConvBlock conv3Up;
  private final DepthWiseConvBlock conv4Down;
  private final DepthWiseConvBlock conv5Down;
  private final DepthWiseConvBlock conv6Down;
  private final DepthWiseConvBlock conv7Down;

  /**
   * @param inChannels the backbone levels' channels (the last three are C3, C4, C5)
   */
  BiFPNStage(
      Backend b,
      Random rnd,
      List<Integer> inChannels,
      int c,
      boolean firstTime,
      double epsilon,
      boolean applyBnForResampling,
      boolean convBnActPattern,
      NormCfg norm) {
    this.firstTime = firstTime;
    this.epsilon = epsilon;
    this.swishBeforeConv = !convBnActPattern;
    // Fusion weights start at one (nn.Parameter(torch.ones(n))).
    p6w1 = parameter("p6_w1", b.ones(DType.FLOAT32, 2));
    p5w1 = parameter("p5_w1", b.ones(DType.FLOAT32, 2));
    p4w1 = parameter("p4_w1", b.ones(DType.FLOAT32, 2));
    p3w1 = parameter("p3_w1", b.ones(DType.FLOAT32, 2));
    p4w2 = parameter("p4_w2", b.ones(DType.FLOAT32, 3));
    p5w2 = parameter("p5_w2", b.ones(DType.FLOAT32, 3));
    p6w2 = parameter("p6_w2", b.ones(DType.FLOAT32, 3));
    p7w2 = parameter("p7_w2", b.ones(DType.FLOAT32, 2));
    if (firstTime) {
      int n = inChannels.size();
      int c3 = inChannels.get(n - 3);
      int c4 = inChannels.get(n - 2);
      int c5 = inChannels.get(n - 1);
      NormCfg resample = applyBnForResampling ? norm : null;
      p5DownChannel =
          register(
              "p5_down_channel", new DownChannelBlock(b, rnd, c5, c, resample, convBnActPattern));
      p4DownChannel =
          register(
              "p4_down_channel", new DownChannelBlock(b, rnd, c4, c, resample, convBnActPattern));
      p3DownChannel =
          register(
              "p3_down_channel", new DownChannelBlock(b, rnd, c3, c, resample, convBnActPattern));
      p5ToP6 = register("p5_to_p6", new Sequential());
      p5ToP6.add(new DownChannelBlock(b, rnd, c5, c, resample, convBnActPattern));
      p5ToP6.add(new SamePadMaxPool());
      p4LevelConnection =
          register(
              "p4_level_connection",
              new DownChannelBlock(b, rnd, c4, c, resample, convBnActPattern));
      p5LevelConnection =
          register(
              "p5_level_connection",
              new DownChannelBlock(b, rnd, c5, c, resample, convBnActPattern));
    }
    conv6Up = register("conv6_up", new DepthWiseConvBlock(b, rnd, c, c, norm, convBnActPattern));
    conv5Up = register("conv5_up", new DepthWiseConvBlock(b, rnd, c, c, norm, convBnActPattern));
    conv4Up = register("conv4_up", new DepthWiseConvBlock(b, rnd, c, c, norm, convBnActPattern));
    conv3Up = register("conv3_up", new DepthWiseConvBlock(b, rnd, c, c, norm, convBnActPattern));
    conv4Down =
        register("conv4_down", new DepthWiseConvBlock(b, rnd, c, c, norm, convBnActPattern));
    conv5Down =
        register("conv5_down", new DepthWiseConvBlock(b, rnd, c, c, norm, convBnActPattern));
    conv6Down =
        register("conv6_down", new DepthWiseConvBlock(b, rnd, c, c, norm, convBnActPattern));
    conv7Down =
        register("conv7_down", new DepthWiseConvBlock(b, rnd, c, c, norm, convBnActPattern));
  }

  /** P3..P7 from the backbone's last three levels (first stage) or the previous stage's five. */
  List<Tensor> forward(List<Tensor> x) {
    Tensor p3In;
    Tensor p4In;
    Tensor p5In;
    Tensor p6In;
    Tensor p7In;
    Tensor c4 = null;
    Tensor c5 = null;
    if (firstTime) {
      int n = x.size();
      Tensor c3 = x.get(n - 3);
      c4 = x.get(n - 2);
      c5 = x.get(n - 1);
      p6In = p5ToP6.forward(c5);
      p7In = pool.forward(p6In);
      p3In = p3DownChannel.forward(c3);
      p4In = p4DownChannel.forward(c4);
      p5In = p5DownChannel.forward(c5);
    } else {
      p3In = x.get(0);
      p4In = x.get(1);
      p5In = x.get(2);
      p6In = x.get(3);
      p7In = x.get(4);
    }
    Tensor p6Up = conv6Up.forward(fuse(p6w1, p6In, up2(p7In)));
    Tensor p5Up = conv5Up.forward(fuse(p5w1, p5In, up2(p6Up)));
    Tensor p4Up = conv4Up.forward(fuse(p4w1, p4In, up2(p5Up)));
    Tensor p3Out = conv3Up.forward(fuse(p3w1, p3In, up2(p4Up)));
    if (firstTime) {
      // The bottom-up P4/P5 inputs are new 1x1 convs of the raw backbone maps, not p4_in/p5_in.
      p4In = p4LevelConnection.forward(c4);
      p5In = p5LevelConnection.forward(c5);
    }
    Tensor p4Out = conv4Down.forward(fuse(p4w2, p4In, p4Up, pool.forward(p3Out)));
    Tensor p5Out = conv5Down.forward(fuse(p5w2, p5In, p5Up, pool.forward(p4Out)));
    Tensor p6Out = conv6Down.forward(fuse(p6w2, p6In, p6Up, pool.forward(p5Out)));
    Tensor p7Out = conv7Down.forward(fuse(p7w2, p7In, pool.forward(p6Out)));
    return List.of(p3Out, p4Out, p5Out, p6Out, p7Out);
  }

  /**
   * Fast normalised fusion: {@code a = relu(w) / (sum(relu(w)) + eps)}, then {@code a0 x0 + a1 x1
   * (+ a2 x2)} left to right, then Swish unless the blocks apply it after their BN.
   */
  private Tensor fuse(Parameter w, Tensor... inputs) {
    Tensor r = w.get().relu();
    // The fusion weights are normalised in float32 and cast to the features' dtype afterwards.
    Tensor a = r.div(r.sum(0).add(epsilon));
    if (a.dtype() != inputs[0].dtype()) {
      a = a.toType(inputs[0].dtype());
    }
    Tensor fused = null;
    for (int i = 0; i < inputs.length; i++) {
      Tensor term = inputs[i].mul(a.slice(0, i, i + 1));
      fused = fused == null ? term : fused.add(term);
    }
    return swishBeforeConv ? Activation.SWISH.apply(fused) : fused;
  }

  /** Nearest 2x upsampling (mmdet's fixed scale_factor 2; BiFPN checks the sizes up front). */
  private static Tensor up2(Tensor x) {
    return x.interpolateNearest(2 * x.dim(2), 2 * x.dim(3));
  }
}
