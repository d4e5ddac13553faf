package dev.detkit.api.nn;

import dev.detkit.api.tensor.Tensor;
import dev.detkit.api.tensor.TensorScope;
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

  /** Runs the layers, freeing each intermediate as soon as the next layer has consumed it. */
  @Override
  public Tensor forward(Tensor x) {
    Tensor out = x;
    for (Layer l : layers) {
      Tensor next;
      try (TensorScope scope = TensorScope.open()) {
        next = scope.handOut(l.forward(out));
      }
      if (out != x && out != next) {
        out.close();
      }
      out = next;
    }
    return out;
  }
}
