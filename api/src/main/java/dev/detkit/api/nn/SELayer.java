package dev.detkit.api.nn;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
import java.util.Random;

/**
 * mmdet's squeeze-and-excitation layer: global average pool, {@code conv1} (1x1 with bias, no norm,
 * first activation), {@code conv2} (1x1 with bias, second activation), then scale the input. The
 * squeeze width is {@code int(channels / ratio)} as mmdet computes it.
 */
public final class SELayer extends Layer {
  private final ConvModule conv1;
  private final ConvModule conv2;

  public SELayer(
      Backend b, Random rnd, int channels, double ratio, Activation act1, Activation act2) {
    int squeeze = (int) (channels / ratio);
    conv1 = register("conv1", ConvModule.builder(b, rnd, channels, squeeze).act(act1).build());
    conv2 = register("conv2", ConvModule.builder(b, rnd, squeeze, channels).act(act2).build());
  }

  @Override
  public Tensor forward(Tensor x) {
    FlopCounter.record(this, "adaptive_avg_pool2d", x.size());
    try (TensorScope scope = TensorScope.open()) {
      Tensor s = conv2.forward(conv1.forward(x.globalAvgPool2d()));
      return scope.handOut(x.mul(s));
    }
  }
}
