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
    removeDead(g);
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
    Set<OnnxGraph.Node> folded = new HashSet<>();
    for (OnnxGraph.Node n : g.nodes) {
      OnnxGraph.Node conv =
          n.opType().equals("BatchNormalization") ? producer.get(n.inputs().get(0)) : null;
      if (conv != null
          && conv.opType().equals("Conv")
          && uses.get(conv.outputs().get(0)) == 1
          && constantF32(g, conv.inputs().subList(1, conv.inputs().size()))
          && constantF32(g, n.inputs().subList(1, 5))) {
        out.remove(conv);
        folded.add(conv);
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
