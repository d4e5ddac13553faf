package dev.detkit.api.nn;

import dev.detkit.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Layers run in order, named {@code 0, 1, ...} as {@code nn.Sequential} names them. */
public final class Sequential extends Layer {
  private final List<Layer> layers = new ArrayList<>();

  /** Appends a layer; returns it. */
  public <L extends Layer> L add(L layer) {
    register(String.valueOf(layers.size()), layer);
    layers.add(layer);
    return layer;
  }

  public int size() {
    return layers.size();
  }

  public Layer get(int i) {
    return layers.get(i);
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor out = x;
    for (Layer l : layers) {
      out = l.forward(out);
    }
    return out;
  }
}
