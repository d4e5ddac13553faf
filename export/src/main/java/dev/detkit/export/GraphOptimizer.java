package dev.detkit.export;

import dev.detkit.api.tensor.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The passes PyTorch's exporter runs in eval mode that matter for a detector: batch norms after a
 * convolution with constant weights fold into that convolution (a conv shared across levels, as in
 * RetinaSepBNHead, gets one folded copy per level, as PyTorch's exporter writes it), and nodes and
 * initializers no output needs are dropped.
 */
final class GraphOptimizer {
  private GraphOptimizer() {}

  static void run(OnnxGraph g) {
    foldBatchNorms(g);
    zeroPadsBeforeMaxPool(g);
    removeDead(g);
  }

  /**
   * A zero Pad feeding a MaxPool (TF-SAME max pooling, mmdet's MaxPool2dSamePadding) becomes
   * concatenated zeros: ONNX Runtime's PadFusion (level ALL, seen in 1.23 and 1.30) folds such a
   * Pad into MaxPool's own pads, which act as negative infinity, so a window of negative values at
   * the border would return its maximum instead of the padded 0.
   */
  static void zeroPadsBeforeMaxPool(OnnxGraph g) {
    Map<String, Integer> maxPoolInputs = new HashMap<>();
    for (OnnxGraph.Node n : g.nodes) {
      if (n.opType().equals("MaxPool")) {
        maxPoolInputs.merge(n.inputs().get(0), 1, Integer::sum);
      }
    }
    List<OnnxGraph.Node> out = new ArrayList<>();
    for (OnnxGraph.Node n : g.nodes) {
      OnnxGraph.Initializer pads =
          n.opType().equals("Pad") ? g.initializers.get(n.inputs().get(1)) : null;
      OnnxGraph.Initializer value =
          pads != null && n.inputs().size() > 2 ? g.initializers.get(n.inputs().get(2)) : null;
      if (pads == null
          || value == null
          || value.dtype() != DType.FLOAT32
          || Raw.toFloats(value.raw())[0] != 0f
          || !maxPoolInputs.containsKey(n.outputs().get(0))) {
        out.add(n);
        continue;
      }
      long[] p = new long[pads.raw().length / 8];
      java.nio.ByteBuffer.wrap(pads.raw())
          .order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .asLongBuffer()
          .get(p);
      int rank = p.length / 2;
      String x = n.inputs().get(0);
      for (int axis = 0; axis < rank; axis++) {
        long before = p[axis];
        long after = p[rank + axis];
        if (before == 0 && after == 0) {
          continue;
        }
        List<String> parts = new ArrayList<>();
        if (before > 0) {
          parts.add(zerosLike(g, out, x, axis, before, n.origin()));
        }
        parts.add(x);
        if (after > 0) {
          parts.add(zerosLike(g, out, x, axis, after, n.origin()));
        }
        String y = g.fresh("Concat");
        out.add(
            new OnnxGraph.Node(
                "Concat",
                parts,
                List.of(y),
                List.of(new OnnxGraph.Attr("axis", (long) axis)),
                n.origin()));
        x = y;
      }
      out.add(new OnnxGraph.Node("Identity", List.of(x), n.outputs(), List.of(), n.origin()));
    }
    g.nodes.clear();
    g.nodes.addAll(out);
  }

  /** Float zeros shaped as {@code x} with {@code size} along {@code axis} (symbolic sizes too). */
  private static String zerosLike(
      OnnxGraph g, List<OnnxGraph.Node> out, String x, int axis, long size, String origin) {
    String slice = g.fresh("Slice");
    out.add(
        new OnnxGraph.Node(
            "Slice",
            List.of(x, g.int64s(0), g.int64s(size), g.int64s(axis)),
            List.of(slice),
            List.of(),
            origin));
    String shape = g.fresh("Shape");
    out.add(new OnnxGraph.Node("Shape", List.of(slice), List.of(shape), List.of(), origin));
    String zeros = g.fresh("ConstantOfShape");
    out.add(
        new OnnxGraph.Node("ConstantOfShape", List.of(shape), List.of(zeros), List.of(), origin));
    return zeros;
  }

  static void foldBatchNorms(OnnxGraph g) {
    Map<String, OnnxGraph.Node> producer = new HashMap<>();
    Map<String, Integer> uses = new HashMap<>();
    for (OnnxGraph.Node n : g.nodes) {
      n.outputs().forEach(o -> producer.put(o, n));
      n.inputs().forEach(i -> uses.merge(i, 1, Integer::sum));
    }
    g.outputs.forEach(o -> uses.merge(o.name(), 1, Integer::sum));
    List<OnnxGraph.Node> out = new ArrayList<>();
    for (OnnxGraph.Node n : g.nodes) {
      OnnxGraph.Node conv =
          n.opType().equals("BatchNormalization") ? producer.get(n.inputs().get(0)) : null;
      if (conv != null
          && conv.opType().equals("Conv")
          && uses.get(conv.outputs().get(0)) == 1
          && constantF32(g, conv.inputs().subList(1, conv.inputs().size()))
          && constantF32(g, n.inputs().subList(1, 5))) {
        out.remove(conv);
        out.add(fold(g, conv, n));
      } else {
        out.add(n);
      }
    }
    g.nodes.clear();
    g.nodes.addAll(out);
  }

  private static boolean constantF32(OnnxGraph g, List<String> names) {
    for (String s : names) {
      OnnxGraph.Initializer t = g.initializers.get(s);
      if (t == null || t.dtype() != DType.FLOAT32) {
        return false;
      }
    }
    return true;
  }

  /**
   * conv(x, w, b) then bn: conv(x, w * s, beta + (b - mean) * s) with s = gamma / sqrt(var + eps).
   */
  private static OnnxGraph.Node fold(OnnxGraph g, OnnxGraph.Node conv, OnnxGraph.Node bn) {
    float[] w = Raw.toFloats(g.initializers.get(conv.inputs().get(1)).raw());
    long[] wDims = g.initializers.get(conv.inputs().get(1)).dims();
    float[] gamma = Raw.toFloats(g.initializers.get(bn.inputs().get(1)).raw());
    float[] beta = Raw.toFloats(g.initializers.get(bn.inputs().get(2)).raw());
    float[] mean = Raw.toFloats(g.initializers.get(bn.inputs().get(3)).raw());
    float[] var = Raw.toFloats(g.initializers.get(bn.inputs().get(4)).raw());
    double eps = 1e-5;
    for (OnnxGraph.Attr a : bn.attrs()) {
      if (a.name().equals("epsilon")) {
        eps = (Double) a.value();
      }
    }
    int outC = gamma.length;
    float[] b =
        conv.inputs().size() > 2
            ? Raw.toFloats(g.initializers.get(conv.inputs().get(2)).raw())
            : new float[outC];
    int per = w.length / outC;
    float[] fw = new float[w.length];
    float[] fb = new float[outC];
    for (int o = 0; o < outC; o++) {
      double s = gamma[o] / Math.sqrt(var[o] + eps);
      for (int i = 0; i < per; i++) {
        fw[o * per + i] = (float) (w[o * per + i] * s);
      }
      fb[o] = (float) (beta[o] + (b[o] - mean[o]) * s);
    }
    String wn = g.initializer("w_bn", DType.FLOAT32, wDims, Raw.ofFloats(fw));
    String bn2 = g.initializer("b_bn", DType.FLOAT32, new long[] {outC}, Raw.ofFloats(fb));
    return new OnnxGraph.Node(
        "Conv", List.of(conv.inputs().get(0), wn, bn2), bn.outputs(), conv.attrs(), conv.origin());
  }

  /** Drops nodes whose outputs nothing needs, then initializers no node reads. */
  static void removeDead(OnnxGraph g) {
    Set<String> live = new HashSet<>();
    g.outputs.forEach(o -> live.add(o.name()));
    List<OnnxGraph.Node> kept = new ArrayList<>();
    for (int i = g.nodes.size() - 1; i >= 0; i--) {
      OnnxGraph.Node n = g.nodes.get(i);
      if (n.outputs().stream().anyMatch(live::contains)) {
        kept.add(0, n);
        live.addAll(n.inputs());
      }
    }
    g.nodes.clear();
    g.nodes.addAll(kept);
    g.initializers.keySet().retainAll(live);
  }
}
