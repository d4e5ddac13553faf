package dev.detkit.export;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.ForwardingBackend;
import dev.detkit.api.tensor.Kernels;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.tensor.Tensor;
import java.util.List;

/**
 * A backend of the tensor API that records an ONNX graph while another backend computes: build the
 * model on it (parameters become constants), create the network input with {@link #input}, run the
 * model code once, and name its results with {@link #output}. Nothing in the model knows it is
 * being exported; each {@link Kernels} op maps to ONNX operators in {@link RecordingKernels}.
 */
public final class RecordingBackend extends ForwardingBackend {
  private final OnnxGraph graph = new OnnxGraph();
  private final RecordingKernels kernels;
  private final boolean dynamic;

  /**
   * @param inner computes every value (so constants fold and shapes are known)
   * @param opset the ONNX opset the nodes are written for
   * @param dynamic whether batch and spatial sizes of the input stay symbolic
   */
  public RecordingBackend(Backend inner, int opset, boolean dynamic) {
    super(inner);
    this.dynamic = dynamic;
    this.kernels = new RecordingKernels(inner.kernels(), graph, opset, dynamic);
  }

  /** The graph input {@code name} holding {@code data} (FLOAT32) for this recording run. */
  public Tensor input(String name, float[] data, int... shape) {
    Shape s = Shape.of(shape);
    String[] dimNames = null;
    if (dynamic) {
      dimNames = new String[s.rank()];
      dimNames[0] = "batch";
      if (s.rank() == 4) {
        dimNames[2] = "height";
        dimNames[3] = "width";
      }
    }
    graph.input(new OnnxGraph.ValueInfo(name, DType.FLOAT32, s.longDims(), dimNames));
    return Tensor.wrap(this, kernels.traced(inner.kernels().fromFloats(data, s), name));
  }

  /** Makes {@code t} the graph output {@code name}; it must depend on the input. */
  public void output(String name, Tensor t) {
    Rec r = (Rec) t.handle();
    if (!r.traced()) {
      throw new ExportException(
          "export: output '" + name + "' does not depend on the network input");
    }
    graph.addNamed("Identity", List.of(r.name), name, "output " + name);
    String[] dimNames = null;
    if (dynamic) {
      dimNames = new String[t.rank()];
      for (int i = 0; i < t.rank(); i++) {
        dimNames[i] = i == 1 ? null : name + "_d" + i;
      }
    }
    graph.output(new OnnxGraph.ValueInfo(name, t.dtype(), t.shape().longDims(), dimNames));
  }

  /** The value the inner backend computed for {@code t} (FLOAT32), without recording a read. */
  public float[] computed(Tensor t) {
    Object h = ((Rec) t.handle()).inner;
    Kernels k = inner.kernels();
    if (k.dtype(h) == DType.FLOAT32) {
      return k.toFloats(h);
    }
    Object c = k.cast(h, DType.FLOAT32);
    try {
      return k.toFloats(c);
    } finally {
      k.free(c);
    }
  }

  public OnnxGraph graph() {
    return graph;
  }

  @Override
  public String version() {
    return inner.version() + " (recording ONNX)";
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }
}
