package dev.detkit.heads;

import dev.detkit.api.nn.Layer;
import dev.detkit.api.nn.Parameter;
import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;

/** mmcv's {@code Scale}: a learnable 0-dim factor ({@code scale}, initially 1) times the input. */
public final class Scale extends Layer {
  private final Parameter scale;

  public Scale(Backend b, float init) {
    scale = parameter("scale", b.scalar(init));
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.mul(scale.get(x.dtype()));
  }
}
