package dev.detkit.export;

import dev.detkit.api.tensor.BinaryOp;
import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.DType;
import dev.detkit.api.tensor.Kernels;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.ReduceOp;
import dev.detkit.api.tensor.Shape;
import dev.detkit.api.tensor.UnaryOp;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernels that run every op on an inner backend and, when an operand depends on the graph input,
 * also record it as ONNX nodes. Ops on constants alone run eagerly and stay constants, so the
 * eval-mode batch-norm folding and any other weight preprocessing fold into initializers. Ops that
 * read a traced value back to the host (sort, top-k, {@code toFloats}: data-dependent control flow)
 * or need autograd cannot be expressed and fail naming the op and the calling component.
 */
final class RecordingKernels implements Kernels {
  private final Kernels in;
  private final OnnxGraph g;
  private final int opset;
  private final boolean dynamic;
  private final Map<Rec, String> constants = new IdentityHashMap<>();

  RecordingKernels(Kernels inner, OnnxGraph graph, int opset, boolean dynamic) {
    this.in = inner;
    this.g = graph;
    this.opset = opset;
    this.dynamic = dynamic;
  }

  private static Rec r(Object h) {
    return (Rec) h;
  }

  private static Object inner(Object h) {
    return h == null ? null : r(h).inner;
  }

  /** A traced handle computed by the graph value {@code name}. */
  Rec traced(Object innerValue, String name) {
    return new Rec(innerValue, name);
  }

  /** The graph name of an operand: its traced value, or an initializer holding its constant. */
  private String ref(Object h) {
    Rec x = r(h);
    if (x.traced()) {
      return x.name;
    }
    return constants.computeIfAbsent(
        x, k -> g.initializer("w", in.dtype(x.inner), in.shape(x.inner).longDims(), raw(x.inner)));
  }

  private byte[] raw(Object h) {
    return switch (in.dtype(h)) {
      case FLOAT32 -> Raw.ofFloats(in.toFloats(h));
      case FLOAT64 -> Raw.ofDoubles(in.toDoubles(h));
      case INT32 -> Raw.ofInts(in.toInts(h));
      case INT64 -> Raw.ofLongs(in.toLongs(h));
      case BOOL -> Raw.ofBooleans(in.toBooleans(h));
      case UINT8 -> in.toBytes(h);
      // Exports are float32 (--dtype is for running, not for export).
      case BFLOAT16 ->
          throw new ExportException("a bfloat16 constant cannot be exported; export in float32");
    };
  }

  private static boolean anyTraced(Object... hs) {
    for (Object h : hs) {
      if (h != null && r(h).traced()) {
        return true;
      }
    }
    return false;
  }

  private ExportException unsupported(String op, String why) {
    return new ExportException(
        "export: op '" + op + "' cannot be expressed in ONNX (" + why + ") in " + Origin.here());
  }

  private Object readBack(Object h, String op) {
    if (r(h).traced()) {
      throw unsupported(
          op,
          "it reads a value computed from the network input back to the host, which makes"
              + " the model's control flow depend on the data");
    }
    return r(h).inner;
  }

  /** A new constant, or a new traced value computed by {@code op} from {@code operands}. */
  private Rec node(
      Object result, String op, Object[] operands, List<String> extra, OnnxGraph.Attr... attrs) {
    if (!anyTraced(operands)) {
      return new Rec(result, null);
    }
    List<String> ins = new ArrayList<>();
    for (Object o : operands) {
      ins.add(o == null ? "" : ref(o));
    }
    ins.addAll(extra);
    return new Rec(result, g.add(op, ins, Origin.here(), attrs));
  }

  private Rec node(Object result, String op, Object a, OnnxGraph.Attr... attrs) {
    return node(result, op, new Object[] {a}, List.of(), attrs);
  }

  private static OnnxGraph.Attr attr(String name, Object v) {
    return new OnnxGraph.Attr(name, v);
  }

  // ---- metadata and lifetime ----

  @Override
  public Shape shape(Object h) {
    return in.shape(r(h).inner);
  }

  @Override
  public DType dtype(Object h) {
    return in.dtype(r(h).inner);
  }

  @Override
  public void free(Object h) {
    // The graph keeps the node; only the inner value goes. A constant an initializer already
    // snapshotted stays valid in the graph.
    in.free(r(h).inner);
  }

  // ---- creation and host copies ----

  @Override
  public Object fromFloats(float[] data, Shape shape) {
    return new Rec(in.fromFloats(data, shape), null);
  }

  @Override
  public Object fromDoubles(double[] data, Shape shape) {
    return new Rec(in.fromDoubles(data, shape), null);
  }

  @Override
  public Object fromInts(int[] data, Shape shape) {
    return new Rec(in.fromInts(data, shape), null);
  }

  @Override
  public Object fromLongs(long[] data, Shape shape) {
    return new Rec(in.fromLongs(data, shape), null);
  }

  @Override
  public Object fromBooleans(boolean[] data, Shape shape) {
    return new Rec(in.fromBooleans(data, shape), null);
  }

  @Override
  public Object fromBytes(byte[] data, Shape shape) {
    return new Rec(in.fromBytes(data, shape), null);
  }

  @Override
  public Object full(Shape shape, DType dtype, double value) {
    return new Rec(in.full(shape, dtype, value), null);
  }

  @Override
  public float[] toFloats(Object h) {
    return in.toFloats(readBack(h, "toFloats"));
  }

  @Override
  public double[] toDoubles(Object h) {
    return in.toDoubles(readBack(h, "toDoubles"));
  }

  @Override
  public int[] toInts(Object h) {
    return in.toInts(readBack(h, "toInts"));
  }

  @Override
  public long[] toLongs(Object h) {
    return in.toLongs(readBack(h, "toLongs"));
  }

  @Override
  public boolean[] toBooleans(Object h) {
    return in.toBooleans(readBack(h, "toBooleans"));
  }

  @Override
  public byte[] toBytes(Object h) {
    return in.toBytes(readBack(h, "toBytes"));
  }

  @Override
  public Object cast(Object h, DType dtype) {
    return node(in.cast(inner(h), dtype), "Cast", h, attr("to", (long) OnnxWriter.onnxType(dtype)));
  }

  @Override
  public Object copy(Object h) {
    // SSA values are immutable: a copy is the same graph value.
    return new Rec(in.copy(inner(h)), r(h).name);
  }

  @Override
  public Object toChannelsLast(Object h) {
    // The graph is layout-free; ONNX Runtime picks its own blocked layouts for convolutions.
    return new Rec(in.toChannelsLast(inner(h)), r(h).name);
  }

  // ---- element-wise ----

  private static String binaryOp(BinaryOp op) {
    return switch (op) {
      case ADD -> "Add";
      case SUB -> "Sub";
      case MUL -> "Mul";
      case DIV -> "Div";
      case MAXIMUM -> "Max";
      case MINIMUM -> "Min";
      case POW -> "Pow";
      case EQ, NE -> "Equal";
      case GT -> "Greater";
      case GE -> "GreaterOrEqual";
      case LT -> "Less";
      case LE -> "LessOrEqual";
      case AND -> "And";
      case OR -> "Or";
    };
  }

  private Rec recordBinary(Object result, BinaryOp op, Object[] operands, List<String> extra) {
    Rec out = node(result, binaryOp(op), operands, extra);
    if (op == BinaryOp.NE && out.traced()) {
      out.name = g.add("Not", List.of(out.name), Origin.here());
    }
    return out;
  }

  @Override
  public Object binary(BinaryOp op, Object a, Object b) {
    return recordBinary(in.binary(op, inner(a), inner(b)), op, new Object[] {a, b}, List.of());
  }

  @Override
  public Object binaryScalar(BinaryOp op, Object a, double scalar) {
    Object result = in.binaryScalar(op, inner(a), scalar);
    if (!r(a).traced()) {
      return new Rec(result, null);
    }
    return recordBinary(
        result, op, new Object[] {a}, List.of(g.scalar(scalar, in.dtype(inner(a)))));
  }

  @Override
  public Object unary(UnaryOp op, Object a) {
    Object result = in.unary(op, inner(a));
    if (!r(a).traced()) {
      return new Rec(result, null);
    }
    String x = r(a).name;
    String o = Origin.here();
    String out =
        switch (op) {
          case NEG -> g.add("Neg", List.of(x), o);
          case ABS -> g.add("Abs", List.of(x), o);
          case EXP -> g.add("Exp", List.of(x), o);
          case LOG -> g.add("Log", List.of(x), o);
          case SQRT -> g.add("Sqrt", List.of(x), o);
          case FLOOR -> g.add("Floor", List.of(x), o);
          case CEIL -> g.add("Ceil", List.of(x), o);
          case RELU -> g.add("Relu", List.of(x), o);
          case SIGMOID -> g.add("Sigmoid", List.of(x), o);
          // mmcv's Swish, as PyTorch's exporter writes SiLU: x * sigmoid(x).
          case SILU -> g.add("Mul", List.of(x, g.add("Sigmoid", List.of(x), o)), o);
          case SOFTPLUS -> g.add("Softplus", List.of(x), o);
          case NOT -> g.add("Not", List.of(x), o);
          case IS_NAN -> g.add("IsNaN", List.of(x), o);
        };
    return new Rec(result, out);
  }

  @Override
  public Object clamp(Object a, double min, double max) {
    DType t = in.dtype(inner(a));
    return node(
        in.clamp(inner(a), min, max),
        "Clip",
        new Object[] {a},
        List.of(g.scalar(min, t), g.scalar(max, t)));
  }

  @Override
  public Object where(Object cond, Object a, Object b) {
    return node(
        in.where(inner(cond), inner(a), inner(b)), "Where", new Object[] {cond, a, b}, List.of());
  }

  // ---- reductions ----

  @Override
  public Object reduce(ReduceOp op, Object a, int[] axes, boolean keepDims) {
    Object result = in.reduce(op, inner(a), axes, keepDims);
    String type =
        switch (op) {
          case SUM -> "ReduceSum";
          case MEAN -> "ReduceMean";
          case MAX -> "ReduceMax";
          case MIN -> "ReduceMin";
        };
    long[] ax = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      ax[i] = axes[i];
    }
    OnnxGraph.Attr keep = attr("keepdims", keepDims ? 1L : 0L);
    // ReduceSum takes axes as an input from opset 13, the others from opset 18.
    if (op == ReduceOp.SUM || opset >= 18) {
      return node(result, type, new Object[] {a}, List.of(g.int64s(ax)), keep);
    }
    return node(result, type, new Object[] {a}, List.of(), keep, attr("axes", ax));
  }

  @Override
  public Object argMax(Object a, int axis, boolean keepDims) {
    return node(
        in.argMax(inner(a), axis, keepDims),
        "ArgMax",
        a,
        attr("axis", (long) axis),
        attr("keepdims", keepDims ? 1L : 0L));
  }

  // ---- shape ----

  @Override
  public Object reshape(Object a, Shape shape) {
    Object result = in.reshape(inner(a), shape);
    if (!r(a).traced()) {
      return new Rec(result, null);
    }
    return node(result, "Reshape", new Object[] {a}, List.of(g.int64s(reshapeTarget(a, shape))));
  }

  /**
   * The target shape; in a dynamic-shape export, dims equal to the input's at the same position are
   * copied (0) and one other may be inferred (-1), so spatial sizes are not baked in.
   */
  private long[] reshapeTarget(Object a, Shape shape) {
    long[] t = shape.longDims();
    if (!dynamic) {
      return t;
    }
    Shape s = in.shape(inner(a));
    int inferred = 0;
    for (int i = 0; i < t.length; i++) {
      if (i < s.rank() && t[i] == s.get(i)) {
        t[i] = 0;
      } else {
        inferred++;
        t[i] = -1;
      }
    }
    if (inferred > 1) {
      throw unsupported(
          "reshape",
          "reshaping "
              + s
              + " to "
              + shape
              + " changes more than one axis, which a dynamic-shape export cannot express;"
              + " export with --shape H W");
    }
    return t;
  }

  @Override
  public Object permute(Object a, int[] axes) {
    long[] p = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      p[i] = axes[i];
    }
    return node(in.permute(inner(a), axes), "Transpose", a, attr("perm", p));
  }

  @Override
  public Object slice(Object a, int axis, int start, int end, int step) {
    Object result = in.slice(inner(a), axis, start, end, step);
    if (!r(a).traced()) {
      return new Rec(result, null);
    }
    // A slice to the end stays "to the end" whatever the input size.
    long e = end >= in.shape(inner(a)).get(axis) ? Long.MAX_VALUE : end;
    return node(
        result,
        "Slice",
        new Object[] {a},
        List.of(g.int64s(start), g.int64s(e), g.int64s(axis), g.int64s(step)));
  }

  @Override
  public Object concat(Object[] parts, int axis) {
    Object[] inners = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      inners[i] = inner(parts[i]);
    }
    return node(in.concat(inners, axis), "Concat", parts, List.of(), attr("axis", (long) axis));
  }

  @Override
  public Object stack(Object[] parts, int axis) {
    Object[] inners = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      inners[i] = inner(parts[i]);
    }
    Object result = in.stack(inners, axis);
    if (!anyTraced(parts)) {
      return new Rec(result, null);
    }
    List<String> ins = new ArrayList<>();
    for (Object p : parts) {
      ins.add(g.add("Unsqueeze", List.of(ref(p), g.int64s(axis)), Origin.here()));
    }
    return new Rec(result, g.add("Concat", ins, Origin.here(), attr("axis", (long) axis)));
  }

  @Override
  public Object broadcastTo(Object a, Shape shape) {
    Object result = in.broadcastTo(inner(a), shape);
    if (r(a).traced() && dynamic) {
      throw unsupported(
          "broadcastTo", "a fixed target shape in a dynamic-shape export; export with --shape H W");
    }
    return node(result, "Expand", new Object[] {a}, List.of(g.int64s(shape.longDims())));
  }

  @Override
  public Object indexSelect(Object a, int axis, Object index) {
    return node(
        in.indexSelect(inner(a), axis, inner(index)),
        "Gather",
        new Object[] {a, index},
        List.of(),
        attr("axis", (long) axis));
  }

  @Override
  public Object gather(Object a, int axis, Object index) {
    return node(
        in.gather(inner(a), axis, inner(index)),
        "GatherElements",
        new Object[] {a, index},
        List.of(),
        attr("axis", (long) axis));
  }

  @Override
  public Object matmul(Object a, Object b) {
    return node(in.matmul(inner(a), inner(b)), "MatMul", new Object[] {a, b}, List.of());
  }

  // ---- neural-network ops ----

  @Override
  public Object conv2d(Object x, Object weight, Object bias, Conv2dOptions o) {
    Object result = in.conv2d(inner(x), inner(weight), inner(bias), o);
    Shape w = in.shape(inner(weight));
    Padding2d p = o.padding();
    Object[] operands = bias == null ? new Object[] {x, weight} : new Object[] {x, weight, bias};
    return node(
        result,
        "Conv",
        operands,
        List.of(),
        attr("kernel_shape", new long[] {w.get(2), w.get(3)}),
        attr("strides", new long[] {o.strideH(), o.strideW()}),
        attr("pads", new long[] {p.top(), p.left(), p.bottom(), p.right()}),
        attr("dilations", new long[] {o.dilationH(), o.dilationW()}),
        attr("group", (long) o.groups()));
  }

  @Override
  public Object batchNorm(
      Object x,
      Object runningMean,
      Object runningVar,
      Object weight,
      Object bias,
      boolean training,
      double momentum,
      double eps) {
    if (training && anyTraced(x) && in.shape(inner(x)).get(0) != 1) {
      throw unsupported(
          "batchNorm",
          "batch norm with batch statistics over a batch of "
              + in.shape(inner(x)).get(0)
              + "; export runs the model in eval");
    }
    Object result =
        in.batchNorm(
            inner(x),
            inner(runningMean),
            inner(runningVar),
            inner(weight),
            inner(bias),
            training,
            momentum,
            eps);
    if (training) {
      // Batch statistics of a batch of one (GroupNorm's formulation: each group one channel) are
      // each channel's own mean and biased variance: ONNX's InstanceNormalization. The running
      // statistics it updates (on the inner backend) are throw-away.
      return node(
          result,
          "InstanceNormalization",
          new Object[] {x, weight, bias},
          List.of(),
          attr("epsilon", eps));
    }
    return node(
        result,
        "BatchNormalization",
        new Object[] {x, weight, bias, runningMean, runningVar},
        List.of(),
        attr("epsilon", eps));
  }

  @Override
  public Object maxPool2d(
      Object x, int kernelH, int kernelW, int strideH, int strideW, Padding2d p) {
    return node(
        in.maxPool2d(inner(x), kernelH, kernelW, strideH, strideW, p),
        "MaxPool",
        x,
        attr("kernel_shape", new long[] {kernelH, kernelW}),
        attr("strides", new long[] {strideH, strideW}),
        attr("pads", new long[] {p.top(), p.left(), p.bottom(), p.right()}));
  }

  @Override
  public Object globalAvgPool2d(Object x) {
    return node(in.globalAvgPool2d(inner(x)), "GlobalAveragePool", x);
  }

  @Override
  public Object interpolateNearest(Object x, int outH, int outW) {
    Object result = in.interpolateNearest(inner(x), outH, outW);
    if (!r(x).traced()) {
      return new Rec(result, null);
    }
    Shape s = in.shape(inner(x));
    OnnxGraph.Attr[] attrs = {
      attr("mode", "nearest"),
      // PyTorch's rule src = floor(dst * in / out).
      attr("coordinate_transformation_mode", "asymmetric"),
      attr("nearest_mode", "floor")
    };
    if (!dynamic) {
      long[] sizes = {s.get(0), s.get(1), outH, outW};
      return node(result, "Resize", new Object[] {x}, List.of("", "", g.int64s(sizes)), attrs);
    }
    if (outH % s.get(2) != 0 || outW % s.get(3) != 0) {
      throw unsupported(
          "interpolateNearest",
          "resizing "
              + s
              + " to "
              + outH
              + "x"
              + outW
              + " is not an integer scale, which a dynamic-shape export cannot express;"
              + " export with --shape H W");
    }
    String scales =
        g.initializer(
            "scales",
            DType.FLOAT32,
            new long[] {4},
            Raw.ofFloats(new float[] {1, 1, outH / s.get(2), outW / s.get(3)}));
    return node(result, "Resize", new Object[] {x}, List.of("", scales), attrs);
  }

  @Override
  public Object pad2d(Object x, Padding2d p, double value) {
    Object result = in.pad2d(inner(x), p, value);
    if (!r(x).traced()) {
      return new Rec(result, null);
    }
    int rank = in.shape(inner(x)).rank();
    long[] pads = new long[2 * rank];
    pads[rank - 2] = p.top();
    pads[rank - 1] = p.left();
    pads[2 * rank - 2] = p.bottom();
    pads[2 * rank - 1] = p.right();
    return node(
        result,
        "Pad",
        new Object[] {x},
        List.of(g.int64s(pads), g.scalar(value, in.dtype(inner(x)))),
        attr("mode", "constant"));
  }

  // ---- in place: the handle takes the new graph value ----

  private void written(Rec a, Rec result) {
    constants.remove(a);
    a.name = result.name;
  }

  @Override
  public void binaryInPlace(BinaryOp op, Object a, Object b) {
    if (!anyTraced(a, b)) {
      in.binaryInPlace(op, inner(a), inner(b));
      constants.remove(r(a));
      return;
    }
    // Name the operands (snapshotting a constant) before the inner value changes.
    Rec before = new Rec(null, ref(a));
    Rec other = new Rec(null, ref(b));
    in.binaryInPlace(op, inner(a), inner(b));
    written(r(a), recordBinary(null, op, new Object[] {before, other}, List.of()));
  }

  @Override
  public void binaryScalarInPlace(BinaryOp op, Object a, double scalar) {
    in.binaryScalarInPlace(op, inner(a), scalar);
    if (r(a).traced()) {
      written(
          r(a),
          recordBinary(
              null,
              op,
              new Object[] {new Rec(null, r(a).name)},
              List.of(g.scalar(scalar, in.dtype(inner(a))))));
    } else {
      constants.remove(r(a));
    }
  }

  @Override
  public void assign(Object dst, Object src) {
    in.assign(inner(dst), inner(src));
    constants.remove(r(dst));
    r(dst).name = r(src).name;
  }

  // ---- autograd: the export records inference only ----

  @Override
  public void setRequiresGrad(Object h, boolean requiresGrad) {
    in.setRequiresGrad(inner(h), requiresGrad);
  }

  @Override
  public boolean requiresGrad(Object h) {
    return in.requiresGrad(inner(h));
  }

  @Override
  public Object grad(Object h) {
    Object gr = in.grad(inner(h));
    return gr == null ? null : new Rec(gr, null);
  }

  @Override
  public void backward(Object h) {
    throw unsupported("backward", "autograd; export records inference only");
  }

  @Override
  public Object detach(Object h) {
    return new Rec(in.detach(inner(h)), r(h).name);
  }

  @Override
  public void zeroGrad(Object h) {
    in.zeroGrad(inner(h));
  }

  @Override
  public boolean setGradEnabled(boolean enabled) {
    return in.setGradEnabled(enabled);
  }
}
